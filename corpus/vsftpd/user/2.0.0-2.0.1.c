/*
 * Hand-written part of the vsftpd 2.0.0 -> 2.0.1 patch (this project's code,
 * no vsftpd code): the timezone offset 2.0.1 keeps in a new global.
 *
 * Why: 2.0.1's vsf_sysutil_tzset() stores the offset from GMT in the new
 * static s_timezone at start-up, and new code (vsf_sysutil_setmodtime, for
 * MDTM with a time) subtracts it; in the running process start-up is over,
 * so the patch's copy would stay 0 (polusgen diff: error[startup]).  The
 * running 2.0.0 called tzset() at start-up too, so glibc's `timezone` already
 * holds what 2.0.1's start-up would have stored (2.0.1 reads the same
 * variable); reading it takes no lock while the threads are stopped.
 *
 * The name carries the patch's number: this step is patch 1 both in the
 * chain 2.0.0 -> ... -> 2.0.4 and alone.
 */
void user_polus_init_s_timezone(void)
{
    s_timezone_v1 = timezone;
}
