/* unsafe_startup v0 -> v1, the skeleton polusgen diff wrote, filled in as
 * v1's start-up would have. */
void user_polus_init_dispatcher_id(void)
{
    dispatcher_id_v1 = 7;
}

void user_polus_init_settings(void)
{
    settings_v1.item_max = 1024 * 1024;
}
