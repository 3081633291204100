/* user code for fig2: struct A's old->new converter is hand-written (j gets
 * twice i), and a pre-update callback; everything else stays generated. */
void user_polus_o2n_struct_A(struct A_v1 *dst, const struct A *src)
{
    dst->i = src->i;
    dst->j = 2 * src->i;
}

int user_polus_pre_update(void)
{
    return 5;
}
