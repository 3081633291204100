/* Asm statements whose operands are C expressions the patch must see:
 * a macro's parameters (libtomcrypt's STORE32H(x, y) is an asm statement
 * with operands "r"(x), "r"(y)), a macro inside an operand, and a static
 * global the patch imports from the running program. */
static unsigned counter = 5;

#define START counter
#define READ_INTO(dst, src) \
    __asm__ __volatile__("" \
                         : "=r"(dst) \
                         : "0"(src))

unsigned next(void)
{
    unsigned v, w;
    READ_INTO(v, counter);
    __asm__ __volatile__("" : "=r"(w) : "0"(START + 1));
    return v + w + 1;
}

int main(void)
{
    return next() != 11;
}
