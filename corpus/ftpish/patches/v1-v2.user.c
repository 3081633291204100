/* ftpish v1 -> v2, hand-written (polusgen diff --user-code, see
 * templates/USER_CODE.md).
 *
 * v2 makes reply() printf-like on session.fd (reply(code, fmt, ...)) and
 * gives the listener its own refuse(fd, text).  The running listener still
 * calls the old reply(fd, code, text) from code gcc inlined into main's
 * accept loop, which is never left (the "421 There are too many connected
 * users" refusal, and the one after a failed fork).  The generated stub can
 * only pass reply_v2(code, 0): the text would be lost and the line written to
 * session.fd instead of the refused connection, which the client sees as a
 * connection closed without a word.  This stub keeps the old behaviour: the
 * line, formatted as v1 did, on the fd it was given. */
void user_polus_stub_reply(int fd, int code, const char *text)
{
    char line[512 + 16];                     /* FTP_LINE_MAX + 16, as v1 (macros are not in the patch) */
    int n = snprintf(line, sizeof line, "%03d %s\r\n", code, text);

    POLUS_OLD_write_all(fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}
