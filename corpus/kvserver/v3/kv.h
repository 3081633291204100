/* kvserver: a small multithreaded key-value server, version 3: a command table with per-command counters; the
 * statistics drop sets/dels and take the connection count.
 *
 * The main thread accepts connections on a loopback TCP port and hands them
 * to a fixed pool of worker threads through a queue.  All state that has to
 * outlive a connection (the table, the statistics) lives in globals. */
#ifndef KV_H
#define KV_H

#include <pthread.h>
#include <stddef.h>

#define KV_VERSION "kvserver 3"

#define NBUCKETS 256          /* hash chains in the table */
#define QUEUE_CAP 64          /* accepted connections waiting for a worker */
#define MAX_WORKERS 32
#define KV_LINE_MAX 1024      /* longest request line */
#define KV_REPLY_MAX 2048     /* longest reply line */

struct kv_node {
    char *key;
    char *value;
    unsigned long hits;       /* GETs that found this key */
    struct kv_node *next;
};

struct kv_stats {
    long requests;
    long hits;
    long misses;
    long connections;
};

enum kv_cmd {
    CMD_SET,
    CMD_GET,
    CMD_DEL,
    CMD_INCR,
    CMD_APPEND,
    CMD_HITS,
    CMD_STATS,
    CMD_VERSION,
    CMD_QUIT,
    CMD_NCOMMANDS
};

/* One protocol command: its name, how many words it takes (the name
 * included) and the function that runs it; run returns 1 to close. */
struct command {
    const char *name;
    enum kv_cmd id;
    const char *counter;      /* its name in STATS, NULL if not shown */
    int min_words;
    int max_words;
    const char *usage;
    int (*run)(int argc, char **argv, char *reply, size_t replysz);
};

struct work_queue {
    int fds[QUEUE_CAP];
    int head;
    int count;
    pthread_mutex_t lock;
    pthread_cond_t nonempty;
};

/* store.c: the hash table */
extern struct kv_node *buckets[NBUCKETS];
extern long item_count;
extern pthread_mutex_t store_lock;
int store_set(const char *key, const char *value);
int store_get(const char *key, char *out, size_t outsz, unsigned long *hits);
int store_hits(const char *key, unsigned long *hits);
int store_del(const char *key);
int store_incr(const char *key, long delta, long *result);
int store_append(const char *key, const char *suffix);
long store_items(void);

/* proto.c: the line protocol */
extern struct kv_stats stats;
extern pthread_mutex_t stats_lock;
extern int max_key_len;
void stats_count(long *counter);
int handle_line(char *line, char *reply, size_t replysz);

/* server.c: connections and workers */
extern struct work_queue queue;
extern int listen_fd;
extern int nworkers;

#endif
