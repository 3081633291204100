/* Sync test: nested structs, arrays of structs, char arrays, a pointer to an
 * unchanged type, a bit-field, an anonymous union and an enum that changes. */
struct point { int x; int y; int z; };
struct shape {
    int kind;
    double scale;
    struct point pts[4];
    char name[16];
    int *counter;
    unsigned flags : 3;
    union { int i; float f; } u;
    enum color { RED, YELLOW, GREEN, BLUE } color;
};

struct shape shapes[2];
int hits;

int area(int k)
{
    hits++;
    return shapes[k].kind + shapes[k].pts[0].x + shapes[k].pts[0].z + (int)shapes[k].color;
}
