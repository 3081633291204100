/* A change deep inside nested structs reaches every struct around it. */
struct inner { int a; };
struct middle { struct inner in; int m; };
struct outer { struct middle mid; long o; };
struct unrelated { int u; };

struct outer state;
struct unrelated other;

int total(void)
{
    return state.mid.in.a + state.mid.m;
}

int count_other(void)
{
    return other.u;
}

int main(void)
{
    return total() + count_other();
}
