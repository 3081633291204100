/* unsafe_table v0 -> v1, the skeleton polusgen diff wrote, filled in: the new
 * table is built from the running one, record by record (and back at a
 * rollback).  Only the update and a rollback write `tab` itself: the records
 * hang off the bucket array, which no write-through sees. */
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 8      /* as the program's (its macros are not in the patch) */

void user_polus_o2n_tab(void *dst, const void *src)
{
    struct rec_v1 ***d = dst;   /* tab_v1 */
    struct rec ***s = (void *)src;   /* tab */
    struct rec_v1 **t;

    if (*s == NULL || (t = calloc(NBUCKETS, sizeof *t)) == NULL)
        return;
    for (int b = 0; b < NBUCKETS; b++) {
        struct rec_v1 **tail = &t[b];
        for (struct rec *r = (*s)[b]; r; r = r->next) {
            struct rec_v1 *n = calloc(1, sizeof *n);
            if (n == NULL)
                break;
            memcpy(n->key, r->key, sizeof n->key);
            n->val = r->val;
            *tail = n;
            tail = &n->next;
        }
    }
    *d = t;
}

void user_polus_n2o_tab(void *dst, const void *src)
{
    struct rec ***d = dst;   /* tab */
    struct rec_v1 ***s = (void *)src;   /* tab_v1 */
    struct rec **t;

    if (*s == NULL || (t = calloc(NBUCKETS, sizeof *t)) == NULL)
        return;
    for (int b = 0; b < NBUCKETS; b++) {
        struct rec **tail = &t[b];
        for (struct rec_v1 *r = (*s)[b]; r; r = r->next) {
            struct rec *n = calloc(1, sizeof *n);
            if (n == NULL)
                break;
            memcpy(n->key, r->key, sizeof n->key);
            n->val = r->val;
            *tail = n;
            tail = &n->next;
        }
    }
    *d = t;
}
