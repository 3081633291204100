/* Arrays of a changed struct: a global array and a struct member array. */
struct item { int id; };
struct table { struct item rows[4]; int used; };
typedef struct item item_row[8];

struct item items[8];
struct table tab;
item_row spare;
int plain[8];

int first(void)
{
    return items[0].id + tab.rows[0].id + spare[1].id;
}

int sum(void)
{
    int s = 0;
    for (int i = 0; i < 8; i++)
        s += plain[i];
    return s;
}
