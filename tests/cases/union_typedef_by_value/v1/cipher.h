/* A union named through a typedef and held by value by a later struct
 * (libtomcrypt's symmetric_key in symmetric_CBC): the union's complete
 * definition must come before the struct, even though the typedef alone
 * only needs a forward declaration.  Its members use a type of a header
 * that sorts after this one, so file order alone does not get it right. */
#include "types.h"

typedef union Key {
    struct aes_key { u32 ek[4]; int rounds; } aes;
    void *data;
} key_t_;

typedef struct {
    int blocklen;
    key_t_ key;
} cbc_t;
