/* user code for the stub test: the stub of handle passes flags = 7 */
void user_polus_stub_handle(int fd)
{
    handle_v1(fd, 7);
}
