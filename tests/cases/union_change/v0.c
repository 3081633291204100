/* A union gains a wider member; a struct holding it changes with it. */
union value { int i; float f; };
struct cell { int tag; union value v; };

struct cell cells[4];
union value scratch;

int tag_of(int k)
{
    return cells[k].tag;
}

int ident(int x)
{
    return x;
}
