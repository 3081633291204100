/* unsafe_startup v0 -> v1 covered another way: the converter of the global
 * settings fills its new member as v1's start-up would have (it makes the new
 * copy when the update is applied), so no user_polus_init_settings is needed. */
void user_polus_init_dispatcher_id(void)
{
    dispatcher_id_v1 = 7;
}

void user_polus_o2n_settings(void *dst, const void *src)
{
    polus_o2n_settings(dst, src);
    ((struct settings_v1 *) dst)->item_max = 1024 * 1024;
}
