/* Only initial values change: the running values win (no change), except
 * for a const global, which has no running state to keep. */
int max_clients = 10;
static int verbose = 0;
const char banner[] = "hello v0";
int untouched = 7;

int limit(void)
{
    return max_clients + verbose;
}

const char *greeting(void)
{
    return banner;
}
