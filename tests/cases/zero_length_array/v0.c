#include <stdlib.h>
#include <stdio.h>

/* a GNU zero-length array at the end of a struct (v1: a C99 flexible array member) */
struct block {
    int count;
    void *end[0];
};

static struct block *head;

int block_count(void) { return head ? head->count : 0; }

int main(void)
{
    head = malloc(sizeof(struct block) + 2 * sizeof(void *));
    head->count = 2;
    printf("%d\n", block_count());
    return 0;
}
