/* Hand-written pre-update callback (paper section 5.1.3): version 0 let n
 * run past the buffer; version 1's code relies on n <= LOG_SIZE.  Repair the
 * running state before it is carried over: the excess becomes "dropped". */
#define LOG_SIZE 8       /* the program's macros do not reach user code: as in log.h */

static int excess;

int user_polus_pre_update(void)
{
    if (POLUS_OLD_lg.n > LOG_SIZE) {
        excess = POLUS_OLD_lg.n - LOG_SIZE;
        POLUS_OLD_lg.n = LOG_SIZE;
    }
    return 0;
}

void user_polus_o2n_lg(void *dst_new, const void *src_old)
{
    struct log_v1 *n = dst_new;
    const struct log *o = src_old;
    n->n = o->n;
    n->last = o->last;
    for (int i = 0; i < LOG_SIZE; i++)
        n->buf[i] = o->buf[i];
    n->dropped += excess;       /* carried once, then every write adds nothing */
    excess = 0;
}
