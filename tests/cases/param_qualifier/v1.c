#include <stdio.h>

/* top-level qualifiers on parameters: not part of the function's type
 * (C11 6.7.6.3p15), so scale keeps its signature and report is not promoted */
int scale(const int x, char *const p)
{
    return x * 3 + (p != 0);
}

int report(int n)
{
    return printf("%d\n", scale(n, 0));
}

int main(void)
{
    return report(3) < 0;
}
