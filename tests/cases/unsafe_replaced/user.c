/* unsafe_replaced v0 -> v1, the skeleton polusgen diff wrote, filled in: the
 * running program's one output becomes the first of the new array. */
void user_polus_init_out_fds(void)
{
    out_fds_v1[0] = POLUS_OLD_out_fd;
}

void user_polus_init_n_out(void)
{
    n_out_v1 = POLUS_OLD_out_fd >= 0;
}
