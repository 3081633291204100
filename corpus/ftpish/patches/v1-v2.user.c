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

/* v2 adds config.idle_timeout, which config_defaults() sets to 300 at
 * start-up (and a config file may set); the running v1 read its file with a
 * parser that knew no idle_timeout, so 300 is what a restart of v2 with the
 * same file would give.  Without it the new sessions' SO_RCVTIMEO would be 0:
 * no idle timeout at all.  config_v2 is the new copy of config in the chain
 * v0 -> v1 -> v2 (this step is patch 2). */
void user_polus_init_config(void)
{
    config_v2.idle_timeout = 300;
}
