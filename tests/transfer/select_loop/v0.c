/* A never-left select loop whose fd_set is filled by FD_ZERO and FD_SET:
 * calls to the parser, macros of the real headers (glibc's FD_ZERO is a
 * do-while statement), so no activation ever waits in one.  `tally` returns
 * a struct and `share` a double: their values do not come back in rax. */
#include <stdio.h>
#include <sys/select.h>
#include <unistd.h>

static long served;

struct tally { long calls, bytes; };

__attribute__((noinline)) static struct tally tally(long n)
{
    struct tally t = { served, n };
    return t;
}

__attribute__((noinline)) static double share(long n)
{
    return served ? (double)n / (double)served : 0.0;
}

__attribute__((noinline)) static void answer(int fd)
{
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    served++;
    printf("v0 %zd %ld\n", n, served);
}

int main(void)
{
    fd_set r;
    int n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (;;) {
        FD_ZERO(&r);
        FD_SET(0, &r);
        n = select(1, &r, NULL, NULL, NULL);
        if (n > 0 && FD_ISSET(0, &r))
            answer(0);
        struct tally t = tally(n);
        double d = share(t.bytes);
        if (d > 1e9)
            return 1;
    }
}
