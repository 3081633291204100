/* The new member starts from the deleted global's value: user code names the
 * old program's symbol as POLUS_OLD_hits and polusgen imports it. */
void user_polus_o2n_struct_st(struct st_v1 *dst, const struct st *src)
{
    dst->a = src->a;
    dst->hits = POLUS_OLD_hits;
}
