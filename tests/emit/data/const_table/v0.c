/* A const command table that points to program functions gains an entry:
 * its new copy is filled at registration (the old functions' addresses are
 * known only then), so it must not be read-only. */
int cmd_a(void)
{
    return 1;
}

static const struct cmd { const char *name; int (*fn)(void); } cmds[] = {
    { "a", cmd_a },
};

int run(int i)
{
    return cmds[i].fn();
}
