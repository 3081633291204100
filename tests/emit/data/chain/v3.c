/* Chain test, version 3: foo changes a third time; bar calls a new helper. */
struct cfg { int a; int b; };
struct cfg conf;
int level;
static int calls;

int foo(int x)
{
    calls++;
    return x + 4 + conf.b;
}

int twice(int x)
{
    return 2 * x;
}

int bar(void)
{
    return twice(foo(level)) + conf.a;
}
