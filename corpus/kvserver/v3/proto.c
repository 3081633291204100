/* The line protocol: one request per line, one reply line per request.
 * Commands are looked up in a table; each has its own counter. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "kv.h"

struct kv_stats stats;
pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
int max_key_len = 250;
long cmd_counts[CMD_NCOMMANDS];   /* requests per command (under stats_lock) */

void stats_count(long *counter)
{
    pthread_mutex_lock(&stats_lock);
    (*counter)++;
    pthread_mutex_unlock(&stats_lock);
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

static int cmd_set(int argc, char **argv, char *reply, size_t replysz)
{
    (void)argc;
    if ((int)strlen(argv[1]) > max_key_len)
        snprintf(reply, replysz, "ERROR key too long");
    else if (store_set(argv[1], argv[2]) < 0)
        snprintf(reply, replysz, "SERVER_ERROR out of memory");
    else
        snprintf(reply, replysz, "STORED");
    return 0;
}

static int cmd_get(int argc, char **argv, char *reply, size_t replysz)
{
    char value[KV_LINE_MAX];
    unsigned long hits;

    (void)argc;
    if (store_get(argv[1], value, sizeof value, &hits)) {
        stats_count(&stats.hits);
        snprintf(reply, replysz, "VALUE %s", value);
    } else {
        stats_count(&stats.misses);
        snprintf(reply, replysz, "NOT_FOUND");
    }
    return 0;
}

static int cmd_hits(int argc, char **argv, char *reply, size_t replysz)
{
    unsigned long hits;

    (void)argc;
    if (store_hits(argv[1], &hits))
        snprintf(reply, replysz, "HITS %lu", hits);
    else
        snprintf(reply, replysz, "NOT_FOUND");
    return 0;
}

static int cmd_del(int argc, char **argv, char *reply, size_t replysz)
{
    (void)argc;
    snprintf(reply, replysz, store_del(argv[1]) ? "DELETED" : "NOT_FOUND");
    return 0;
}

static int cmd_incr(int argc, char **argv, char *reply, size_t replysz)
{
    long delta = 1, value;
    char *end;
    int rc;

    if (argc == 3) {
        errno = 0;
        delta = strtol(argv[2], &end, 10);
        if (errno != 0 || end == argv[2] || *end != '\0') {
            snprintf(reply, replysz, "ERROR delta is not an integer");
            return 0;
        }
    }
    rc = store_incr(argv[1], delta, &value);
    if (rc == 1)
        snprintf(reply, replysz, "VALUE %ld", value);
    else if (rc == 0)
        snprintf(reply, replysz, "ERROR value is not an integer");
    else
        snprintf(reply, replysz, "SERVER_ERROR out of memory");
    return 0;
}

static int cmd_append(int argc, char **argv, char *reply, size_t replysz)
{
    (void)argc;
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
    return 0;
}

static int cmd_stats(int argc, char **argv, char *reply, size_t replysz);

static int cmd_version(int argc, char **argv, char *reply, size_t replysz)
{
    (void)argc;
    (void)argv;
    snprintf(reply, replysz, "%s", KV_VERSION);
    return 0;
}

static int cmd_quit(int argc, char **argv, char *reply, size_t replysz)
{
    (void)argc;
    (void)argv;
    snprintf(reply, replysz, "BYE");
    return 1;
}

static const struct command commands[] = {
    { "SET", CMD_SET, "cmd_set", 3, 3, "SET key value", cmd_set },
    { "GET", CMD_GET, "cmd_get", 2, 2, "GET key", cmd_get },
    { "DEL", CMD_DEL, "cmd_del", 2, 2, "DEL key", cmd_del },
    { "INCR", CMD_INCR, "cmd_incr", 2, 3, "INCR key [delta]", cmd_incr },
    { "APPEND", CMD_APPEND, "cmd_append", 3, 3, "APPEND key value", cmd_append },
    { "HITS", CMD_HITS, "cmd_hits", 2, 2, "HITS key", cmd_hits },
    { "STATS", CMD_STATS, NULL, 1, 1, "STATS", cmd_stats },
    { "VERSION", CMD_VERSION, NULL, 1, 1, "VERSION", cmd_version },
    { "QUIT", CMD_QUIT, NULL, 1, 1, "QUIT", cmd_quit },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static int cmd_stats(int argc, char **argv, char *reply, size_t replysz)
{
    struct kv_stats now;
    long counts[CMD_NCOMMANDS];
    size_t i, len;

    (void)argc;
    (void)argv;
    pthread_mutex_lock(&stats_lock);
    now = stats;
    memcpy(counts, cmd_counts, sizeof counts);
    pthread_mutex_unlock(&stats_lock);
    len = (size_t)snprintf(reply, replysz,
                           "STATS requests=%ld hits=%ld misses=%ld items=%ld connections=%ld",
                           now.requests, now.hits, now.misses, store_items(),
                           now.connections);
    for (i = 0; i < NCOMMANDS && len < replysz; i++) {
        const struct command *c = &commands[i];

        if (c->counter != NULL)
            len += (size_t)snprintf(reply + len, replysz - len, " %s=%ld",
                                    c->counter, counts[c->id]);
    }
    return 0;
}

static const struct command *find_command(const char *name)
{
    size_t i;

    for (i = 0; i < NCOMMANDS; i++)
        if (strcasecmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Handles one request line; writes the reply (without newline) into reply.
 * Returns 1 when the client asked to close the connection. */
int handle_line(char *line, char *reply, size_t replysz)
{
    char *argv[3];
    int argc = split_line(line, argv, 3);
    const struct command *c;

    if (argc == 0) {
        snprintf(reply, replysz, "ERROR empty command");
        return 0;
    }
    stats_count(&stats.requests);
    c = find_command(argv[0]);
    if (c == NULL) {
        snprintf(reply, replysz, "ERROR unknown command '%s'", argv[0]);
        return 0;
    }
    stats_count(&cmd_counts[c->id]);
    if (argc < c->min_words || argc > c->max_words) {
        snprintf(reply, replysz, "ERROR usage: %s", c->usage);
        return 0;
    }
    return c->run(argc, argv, reply, replysz);
}
