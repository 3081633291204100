/* A constant of a tagless enum that only a typedef names: the changed
 * function uses the constant, never the typedef (memcached's
 * protocol_binary.h); the patch must still declare it. */
typedef enum { MAGIC_REQ = 0x80, MAGIC_RES = 0x81 } magic_t;

struct hdr { unsigned char magic; };

int fill(struct hdr *h)
{
    h->magic = (unsigned char) MAGIC_RES;
    return 0;
}

int main(void)
{
    struct hdr h;
    return fill(&h);
}
