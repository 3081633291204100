/* The line protocol: one request per line, one reply line per request. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "kv.h"

struct kv_stats stats;
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

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
    if (store_set(argv[1], argv[2]) < 0)
        snprintf(reply, replysz, "SERVER_ERROR out of memory");
    else
        snprintf(reply, replysz, "STORED");
}

static void cmd_get(int argc, char **argv, char *reply, size_t replysz)
{
    char value[KV_LINE_MAX];

    if (argc != 2) {
        snprintf(reply, replysz, "ERROR usage: GET key");
        return;
    }
    if (store_get(argv[1], value, sizeof value)) {
        count(&stats.hits);
        snprintf(reply, replysz, "VALUE %s", value);
    } else {
        count(&stats.misses);
        snprintf(reply, replysz, "NOT_FOUND");
    }
}

static void cmd_del(int argc, char **argv, char *reply, size_t replysz)
{
    if (argc != 2) {
        snprintf(reply, replysz, "ERROR usage: DEL key");
        return;
    }
    snprintf(reply, replysz, store_del(argv[1]) ? "DELETED" : "NOT_FOUND");
}

static void cmd_stats(char *reply, size_t replysz)
{
    struct kv_stats now;

    pthread_mutex_lock(&stats_lock);
    now = stats;
    pthread_mutex_unlock(&stats_lock);
    snprintf(reply, replysz, "STATS requests=%ld hits=%ld misses=%ld items=%ld",
             now.requests, now.hits, now.misses, store_items());
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
