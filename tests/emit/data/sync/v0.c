/* Sync test: nested structs, arrays of structs, char arrays, a pointer to an
 * unchanged type, a bit-field, an anonymous union and an enum that changes. */
struct point { int x; int y; };
struct shape {
    int kind;
    struct point pts[3];
    char name[8];
    int *counter;
    unsigned flags : 3;
    union { int i; float f; } u;
    enum color { RED, GREEN, BLUE } color;
};

struct shape shapes[2];
int hits;

int area(int k)
{
    hits++;
    return shapes[k].kind + shapes[k].pts[0].x + (int)shapes[k].color;
}
