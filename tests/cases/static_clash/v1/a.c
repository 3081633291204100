/* a.c and b.c each have a static `count` and a static `bump`. */
static int count;

static void bump(void)
{
    count++;
}

void tick_a(void)
{
    bump();
}
