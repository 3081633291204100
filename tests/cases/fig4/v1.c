/* Fig. 4 of the paper: a call moves from a function into its callee. */
#include <stdio.h>

int opened, logged;

void log_session(void);

void open_session(void)
{
    opened++;
    log_session();
}

void log_session(void)
{
    logged++;
}

void handle(void)
{
    open_session();
}

int main(void)
{
    for (int i = 0; i < 3; i++)
        handle();
    printf("%d %d\n", opened, logged);
    return 0;
}
