/* Chain test, version 2: foo changes again and reads conf (unchanged since v1). */
struct cfg { int a; int b; };
struct cfg conf;
int level;
static int calls;

int foo(int x)
{
    calls++;
    return x + 3 + conf.b;
}

int bar(void)
{
    return foo(level) + conf.a;
}
