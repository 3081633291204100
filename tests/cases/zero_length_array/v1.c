#include <stdlib.h>
#include <stdio.h>

/* the GNU zero-length array of v0 respelled as a C99 flexible array member: same layout */
struct block {
    int count;
    void *end[];
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
