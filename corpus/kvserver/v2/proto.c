/* The line protocol: one request per line, one reply line per request. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kv.h"

struct kv_stats stats;
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
int max_key_len = 250;

static void count(long *counter)
{
    pthread_mutex_lock(&stats_lock);
    (*counter)++;
    pthread_mutex_unlock(&stats_lock);
}

static void str_upper(char *s)
{
    for (; *s != '\0'; s++)
        *s = (char)toupper((unsigned char)*s);
}

/* Splits line into at most max words separated by spaces; the last word takes
 * the rest of the line, spaces included.  Returns the number of words. */
static int split_line(char *line, char *argv[], int max)
{
    int argc = 0;

    while (argc < max) {
        while (*line == ' ')
            line++;
        if (*line == '\0')
            break;
        argv[argc++] = line;
        if (argc == max)
            break;
        while (*line != ' ' && *line != '\0')
            line++;
        if (*line == '\0')
            break;
        *line++ = '\0';
    }
    return argc;
}

static void cmd_set(int argc, char **argv, char *reply, size_t replysz)
{
    if (argc != 3) {
        snprintf(reply, replysz, "ERROR usage: SET key value");
        return;
    }
    if ((int)strlen(argv[1]) > max_key_len) {
        snprintf(reply, replysz, "ERROR key too long");
        return;
    }
    if (store_set(argv[1], argv[2]) < 0) {
        snprintf(reply, replysz, "SERVER_ERROR out of memory");
        return;
    }
    count(&stats.sets);
    snprintf(reply, replysz, "STORED");
}

static void cmd_get(int argc, char **argv, char *reply, size_t replysz)
{
    char value[KV_LINE_MAX];
    unsigned long hits;

    if (argc != 2) {
        snprintf(reply, replysz, "ERROR usage: GET key");
        return;
    }
    if (store_get(argv[1], value, sizeof value, &hits)) {
        count(&stats.hits);
        snprintf(reply, replysz, "VALUE %s", value);
    } else {
        count(&stats.misses);
        snprintf(reply, replysz, "NOT_FOUND");
    }
}

static void cmd_hits(int argc, char **argv, char *reply, size_t replysz)
{
    unsigned long hits;

    if (argc != 2) {
        snprintf(reply, replysz, "ERROR usage: HITS key");
        return;
    }
    if (store_hits(argv[1], &hits))
        snprintf(reply, replysz, "HITS %lu", hits);
    else
        snprintf(reply, replysz, "NOT_FOUND");
}

static void cmd_del(int argc, char **argv, char *reply, size_t replysz)
{
    if (argc != 2) {
        snprintf(reply, replysz, "ERROR usage: DEL key");
        return;
    }
    if (store_del(argv[1])) {
        count(&stats.dels);
        snprintf(reply, replysz, "DELETED");
    } else
        snprintf(reply, replysz, "NOT_FOUND");
}

static void cmd_incr(int argc, char **argv, char *reply, size_t replysz)
{
    long delta = 1, value;
    char *end;
    int rc;

    if (argc < 2) {
        snprintf(reply, replysz, "ERROR usage: INCR key [delta]");
        return;
    }
    if (argc == 3) {
        errno = 0;
        delta = strtol(argv[2], &end, 10);
        if (errno != 0 || end == argv[2] || *end != '\0') {
            snprintf(reply, replysz, "ERROR delta is not an integer");
            return;
        }
    }
    rc = store_incr(argv[1], delta, &value);
    if (rc == 1)
        snprintf(reply, replysz, "VALUE %ld", value);
    else if (rc == 0)
        snprintf(reply, replysz, "ERROR value is not an integer");
    else
        snprintf(reply, replysz, "SERVER_ERROR out of memory");
}

static void cmd_append(int argc, char **argv, char *reply, size_t replysz)
{
    if (argc != 3) {
        snprintf(reply, replysz, "ERROR usage: APPEND key value");
        return;
    }
    switch (store_append(argv[1], argv[2])) {
    case 1:
        snprintf(reply, replysz, "STORED");
        break;
    case 0:
        snprintf(reply, replysz, "NOT_FOUND");
        break;
    case -2:
        snprintf(reply, replysz, "ERROR value too long");
        break;
    default:
        snprintf(reply, replysz, "SERVER_ERROR out of memory");
    }
}

static void cmd_stats(char *reply, size_t replysz)
{
    struct kv_stats now;
    long connections;

    pthread_mutex_lock(&stats_lock);
    now = stats;
    pthread_mutex_unlock(&stats_lock);
    pthread_mutex_lock(&queue.lock);        /* queue_push counts under it */
    connections = total_connections;
    pthread_mutex_unlock(&queue.lock);
    snprintf(reply, replysz,
             "STATS requests=%ld hits=%ld misses=%ld sets=%ld dels=%ld items=%ld"
             " connections=%ld",
             now.requests, now.hits, now.misses, now.sets, now.dels, store_items(),
             connections);
}

/* Handles one request line; writes the reply (without newline) into reply.
 * Returns 1 when the client asked to close the connection. */
int handle_line(char *line, char *reply, size_t replysz)
{
    char *argv[3];
    int argc = split_line(line, argv, 3);

    if (argc == 0) {
        snprintf(reply, replysz, "ERROR empty command");
        return 0;
    }
    count(&stats.requests);
    str_upper(argv[0]);
    if (strcmp(argv[0], "SET") == 0)
        cmd_set(argc, argv, reply, replysz);
    else if (strcmp(argv[0], "GET") == 0)
        cmd_get(argc, argv, reply, replysz);
    else if (strcmp(argv[0], "DEL") == 0)
        cmd_del(argc, argv, reply, replysz);
    else if (strcmp(argv[0], "HITS") == 0)
        cmd_hits(argc, argv, reply, replysz);
    else if (strcmp(argv[0], "INCR") == 0)
        cmd_incr(argc, argv, reply, replysz);
    else if (strcmp(argv[0], "APPEND") == 0)
        cmd_append(argc, argv, reply, replysz);
    else if (strcmp(argv[0], "STATS") == 0)
        cmd_stats(reply, replysz);
    else if (strcmp(argv[0], "VERSION") == 0)
        snprintf(reply, replysz, "%s", KV_VERSION);
    else if (strcmp(argv[0], "QUIT") == 0) {
        snprintf(reply, replysz, "BYE");
        return 1;
    } else
        snprintf(reply, replysz, "ERROR unknown command");
    return 0;
}
