/* polusgen fake <crypt.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_CRYPT_H
#define _POLUS_CRYPT_H
struct crypt_data { char output[384]; char setting[384]; char input[512]; char reserved[767]; char initialized; };
char *crypt(const char *, const char *);
char *crypt_r(const char *, const char *, struct crypt_data *);
#endif
