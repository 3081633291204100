/* rollback_hook v0 -> v1: the running banner says 1.1 once the update is
 * done, and what it said before once it is rolled back. */
static char *polus_banner_before;

void user_polus_post_update(void)
{
    polus_banner_before = POLUS_OLD_banner;
    POLUS_OLD_banner = "prog 1.1";
}

void user_polus_rollback(void)
{
    if (polus_banner_before != NULL)
        POLUS_OLD_banner = polus_banner_before;
}
