/* A struct that only points to a changed struct is changed too (its meaning is). */
#include <stdlib.h>

struct payload { int len; char tag; };
struct node { struct payload *p; struct node *next; };

struct node *head;

int length(void)
{
    int n = 0;
    for (struct node *x = head; x; x = x->next)
        n += x->p->len;
    return n;
}

int depth(int k)
{
    return k * 2;
}

int main(void)
{
    return length() + depth(1);
}
