/* polusgen fake <libgen.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LIBGEN_H
#define _POLUS_LIBGEN_H
char *basename(char *);
char *dirname(char *);
#endif
