/* Chain test, version 0. */
struct cfg { int a; };
struct cfg conf;
int level;
static int calls;

int foo(int x)
{
    return x + 1;
}

int bar(void)
{
    return foo(level) + conf.a;
}
