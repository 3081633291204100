/* An enumerator's value changes: the enum, its users and its globals change. */
enum state { IDLE, BUSY, DONE };
enum other { ONE, TWO };

enum state st = IDLE;
int counter;

int is_done(void)
{
    return st == DONE;
}

int use_other(void)
{
    return TWO + counter;
}

void bump(void)
{
    counter++;
}
