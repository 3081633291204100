/* program code gcc only warns about, as the program's build compiles it:
 * a deprecated libc call and an int-to-pointer cast */
#include <malloc.h>
#include <stdio.h>

static int arena_kb(void)
{
    struct mallinfo mi = mallinfo();
    return mi.arena / 1024;
}

static const char *tag_of(int id)
{
    return (const char *)id;
}

int report(int id)
{
    return printf("%p %d\n", (void *)tag_of(id), arena_kb());
}

int main(void)
{
    return report(0) < 0;
}
