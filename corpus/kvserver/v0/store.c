/* The key-value table: NBUCKETS hash chains of heap nodes, one lock. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include "kv.h"

struct kv_node *buckets[NBUCKETS];
long item_count;
pthread_mutex_t store_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned hash_key(const char *key)
{
    unsigned h = 5381;

    while (*key)
        h = h * 33 + (unsigned char)*key++;
    return h % NBUCKETS;
}

static struct kv_node *find_node(const char *key, unsigned b)
{
    struct kv_node *n;

    for (n = buckets[b]; n != NULL; n = n->next)
        if (strcmp(n->key, key) == 0)
            return n;
    return NULL;
}

/* Links a new, empty node for key at the head of chain b (lock held). */
static struct kv_node *insert_node(const char *key, unsigned b)
{
    struct kv_node *n = malloc(sizeof *n);

    if (n == NULL)
        return NULL;
    n->key = strdup(key);
    if (n->key == NULL) {
        free(n);
        return NULL;
    }
    n->value = NULL;
    n->next = buckets[b];
    buckets[b] = n;
    item_count++;
    return n;
}

/* Returns 1 if a new item was stored, 0 if an old value was replaced, -1 when
 * out of memory. */
int store_set(const char *key, const char *value)
{
    unsigned b = hash_key(key);
    struct kv_node *n;
    char *copy = strdup(value);
    int created = 0;

    if (copy == NULL)
        return -1;
    pthread_mutex_lock(&store_lock);
    n = find_node(key, b);
    if (n == NULL) {
        n = insert_node(key, b);
        if (n == NULL) {
            pthread_mutex_unlock(&store_lock);
            free(copy);
            return -1;
        }
        created = 1;
    }
    free(n->value);
    n->value = copy;
    pthread_mutex_unlock(&store_lock);
    return created;
}

/* Copies the value of key into out; returns 1 if found, 0 if not. */
int store_get(const char *key, char *out, size_t outsz)
{
    struct kv_node *n;
    int found = 0;

    pthread_mutex_lock(&store_lock);
    n = find_node(key, hash_key(key));
    if (n != NULL) {
        strncpy(out, n->value, outsz - 1);
        out[outsz - 1] = '\0';
        found = 1;
    }
    pthread_mutex_unlock(&store_lock);
    return found;
}

int store_del(const char *key)
{
    unsigned b = hash_key(key);
    struct kv_node **link;
    struct kv_node *n;

    pthread_mutex_lock(&store_lock);
    for (link = &buckets[b]; (n = *link) != NULL; link = &n->next) {
        if (strcmp(n->key, key) == 0) {
            *link = n->next;
            item_count--;
            pthread_mutex_unlock(&store_lock);
            free(n->key);
            free(n->value);
            free(n);
            return 1;
        }
    }
    pthread_mutex_unlock(&store_lock);
    return 0;
}

long store_items(void)
{
    long items;

    pthread_mutex_lock(&store_lock);
    items = item_count;
    pthread_mutex_unlock(&store_lock);
    return items;
}
