/* unsafe_untyped v0 -> v1, the skeleton polusgen diff wrote, filled in: every
 * connection the running program made is replaced by a new-layout copy, and
 * the untyped slot that leads to it is pointed at the copy (every thread is
 * stopped while this runs).  The old objects are left alone: an old
 * activation may still hold one. */
#include <stdlib.h>

#define NSLOTS 8        /* as the program's */

void user_polus_heap_struct_conn(void)
{
    for (int i = 0; i < NSLOTS; i++) {
        struct conn *c = POLUS_OLD_slots[i];
        struct conn_v1 *n;

        if (c == NULL || (n = calloc(1, sizeof *n)) == NULL)
            continue;
        n->id = c->id;
        n->bytes = c->bytes;
        POLUS_OLD_slots[i] = n;
    }
}
