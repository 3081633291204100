/* Chain test, version 1: struct cfg gains b, foo changes. */
struct cfg { int a; int b; };
struct cfg conf;
int level;
static int calls;

int foo(int x)
{
    calls++;
    return x + 2;
}

int bar(void)
{
    return foo(level) + conf.a;
}
