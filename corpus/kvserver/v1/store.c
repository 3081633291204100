/* The key-value table: NBUCKETS hash chains of heap nodes, one lock. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
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

/* Adds delta to the integer stored at key (a missing key counts as 0).
 * Returns 1 and the new value in *result, 0 if the value is not an integer,
 * -1 when out of memory. */
int store_incr(const char *key, long delta, long *result)
{
    unsigned b = hash_key(key);
    struct kv_node *n;
    char number[32];
    char *copy, *end;
    long value = 0;
    int rc = 1;

    pthread_mutex_lock(&store_lock);
    n = find_node(key, b);
    if (n != NULL) {
        errno = 0;
        value = strtol(n->value, &end, 10);
        if (errno != 0 || end == n->value || *end != '\0') {
            rc = 0;
            goto out;
        }
    }
    value += delta;
    snprintf(number, sizeof number, "%ld", value);
    copy = strdup(number);
    if (copy == NULL || (n == NULL && (n = insert_node(key, b)) == NULL)) {
        free(copy);
        rc = -1;
        goto out;
    }
    free(n->value);
    n->value = copy;
    *result = value;
out:
    pthread_mutex_unlock(&store_lock);
    return rc;
}

/* Appends suffix to the value at key.  Returns 1 on success, 0 if the key is
 * missing, -1 when out of memory, -2 when the value would grow too long. */
int store_append(const char *key, const char *suffix)
{
    struct kv_node *n;
    size_t oldlen, addlen;
    char *grown;
    int rc = 1;

    pthread_mutex_lock(&store_lock);
    n = find_node(key, hash_key(key));
    if (n == NULL) {
        rc = 0;
        goto out;
    }
    oldlen = strlen(n->value);
    addlen = strlen(suffix);
    if (oldlen + addlen >= KV_LINE_MAX) {
        rc = -2;
        goto out;
    }
    grown = realloc(n->value, oldlen + addlen + 1);
    if (grown == NULL) {
        rc = -1;
        goto out;
    }
    memcpy(grown + oldlen, suffix, addlen + 1);
    n->value = grown;
out:
    pthread_mutex_unlock(&store_lock);
    return rc;
}

long store_items(void)
{
    long items;

    pthread_mutex_lock(&store_lock);
    items = item_count;
    pthread_mutex_unlock(&store_lock);
    return items;
}
