/* unsafe_replaced_several v0 -> v1, the skeleton polusgen diff wrote, filled
 * in: the running program's output, if it had a peer, becomes the first of the
 * new array. */
void user_polus_init_out_fds(void)
{
    out_fds_v1[0] = POLUS_OLD_addr_len > 0 ? POLUS_OLD_out_fd : -1;
}
