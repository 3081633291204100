#include <stdio.h>

int scale(int x, char *p)
{
    return x * 2 + (p != 0);
}

int report(int n)
{
    return printf("%d\n", scale(n, 0));
}

int main(void)
{
    return report(3) < 0;
}
