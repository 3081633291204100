/* Chain test, version 0. */
struct cfg { int a; };
struct cfg conf;
int level;

int foo(int x)
{
    return x + 1;
}

int bar(void)
{
    return foo(level) + conf.a;
}
