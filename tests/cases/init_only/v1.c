/* Only initial values change: the running values win (no change), except
 * for a const global, which has no running state to keep. */
int max_clients = 20;
static int verbose = 1;
const char banner[] = "hello v1";
int untouched = 7;

int limit(void)
{
    return max_clients + verbose;
}

const char *greeting(void)
{
    return banner;
}
