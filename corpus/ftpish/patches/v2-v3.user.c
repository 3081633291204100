/* ftpish v2 -> v3, hand-written (polusgen diff --user-code, see
 * templates/USER_CODE.md).
 *
 * struct ftp_session loses logged_in for state.  By name alone every session
 * in progress would come out as SESSION_NEW (logged out); the state follows
 * from what v2 knew: logged in, or a USER accepted, or nothing yet.  The other
 * members are copied by the generated converters. */
void user_polus_o2n_struct_ftp_session(struct ftp_session_v3 *dst, const struct ftp_session *src)
{
    polus_o2n_struct_ftp_session(dst, src);
    dst->state = src->logged_in ? SESSION_LOGGED_IN
               : src->user[0] ? SESSION_USER_OK : SESSION_NEW;
}

void user_polus_n2o_struct_ftp_session(struct ftp_session *dst, const struct ftp_session_v3 *src)
{
    polus_n2o_struct_ftp_session(dst, src);
    dst->logged_in = src->state == SESSION_LOGGED_IN;
}
