/* kvserver: a small multithreaded key-value server, version 0.
 *
 * The main thread accepts connections on a loopback TCP port and hands them
 * to a fixed pool of worker threads through a queue.  All state that has to
 * outlive a connection (the table, the statistics) lives in globals. */
#ifndef KV_H
#define KV_H

#include <pthread.h>
#include <stddef.h>

#define KV_VERSION "kvserver 0"

#define NBUCKETS 256          /* hash chains in the table */
#define QUEUE_CAP 64          /* accepted connections waiting for a worker */
#define MAX_WORKERS 32
#define KV_LINE_MAX 1024      /* longest request line */
#define KV_REPLY_MAX 2048     /* longest reply line */

struct kv_node {
    char *key;
    char *value;
    struct kv_node *next;
};

struct kv_stats {
    long requests;
    long hits;
    long misses;
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
int store_get(const char *key, char *out, size_t outsz);
int store_del(const char *key);
long store_items(void);

/* proto.c: the line protocol */
extern struct kv_stats stats;
extern pthread_mutex_t stats_lock;
int handle_line(char *line, char *reply, size_t replysz);

/* server.c: connections and workers */
extern struct work_queue queue;
extern int listen_fd;
extern int nworkers;

#endif
