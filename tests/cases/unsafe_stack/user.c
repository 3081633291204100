/* unsafe_stack v0 -> v1, the skeleton polusgen diff wrote, filled in: new
 * code works on a new-layout copy of main's session, copied back after. */
void user_polus_stub_serve(struct sess *s, const char *cmd)
{
    struct sess_v1 n = {s->calls, 0, s->limit};

    serve_v1(&n, cmd);
    s->calls = n.calls;
    s->limit = n.limit;
}
