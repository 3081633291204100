/* Heap test: a global linked list whose node type gains a member. */
#include <stdlib.h>

struct node { int val; int weight; struct node *next; };
struct node *head;

void push(int v)
{
    struct node *n = malloc(sizeof *n);
    n->val = v;
    n->weight = 1;
    n->next = head;
    head = n;
}

int sum(void)
{
    int s = 0;
    for (struct node *n = head; n; n = n->next)
        s += n->val * n->weight;
    return s;
}
