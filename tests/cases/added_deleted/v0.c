/* Functions and globals come and go. */
#include <string.h>

int old_counter;
static char legacy_buf[32];
int kept = 3;

static void legacy_reset(void)
{
    memset(legacy_buf, 0, sizeof legacy_buf);
}

int old_api(int x)
{
    old_counter += x;
    return old_counter;
}

int stable(int x)
{
    return x + kept;
}
