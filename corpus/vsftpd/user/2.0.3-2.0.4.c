/*
 * Hand-written part of the vsftpd 2.0.3 -> 2.0.4 patch (this project's code,
 * no vsftpd code): the options 2.0.4 adds take the running configuration's
 * values.
 *
 * Why: the running server parsed its config file once, at start, with the
 * 2.0.0 parser, which refuses any option it does not know.  So the options
 * added by 2.0.4 (mdtm_write, lock_upload_files, pasv_addr_resolve) could not
 * be in the file then, and the patch gives their new globals the release's
 * defaults.  An administrator who adds them to the file before applying the
 * update expects what a restart of 2.0.4 would give.  The pre-update callback
 * reads the file again (the path is the listener's argv[1], as vsftpd's main()
 * takes it) and sets only the new options; every other setting keeps its
 * running value.
 *
 * Not with the generated parser (vsf_parseconf_load_file_vN): pre-update runs
 * before the runtime's first old -> new copy of parseconf_bool_array, so the
 * new array's entries for the old options are still placeholders.
 *
 * The names carry the patch's number: in the chain 2.0.0 -> ... -> 2.0.4 with
 * one version file this step is patch 4 (a chain that starts elsewhere
 * numbers it differently, and then this file does not build: on purpose).
 */
#include "reread_options.h"

static const struct vsftpd_new_option vsftpd_new_options_2_0_4[] = {
    {"mdtm_write", &tunable_mdtm_write_v4},
    {"lock_upload_files", &tunable_lock_upload_files_v4},
    {"pasv_addr_resolve", &tunable_pasv_addr_resolve_v4},
};

int user_polus_pre_update(void)
{
    vsftpd_reread_new_options(vsftpd_new_options_2_0_4,
                              sizeof(vsftpd_new_options_2_0_4) / sizeof(vsftpd_new_options_2_0_4[0]));
    return 0;   /* never refuse the update: an unreadable file leaves the defaults */
}
