/* polusgen fake <langinfo.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LANGINFO_H
#define _POLUS_LANGINFO_H
typedef int nl_item;
#define CODESET CODESET
char *nl_langinfo(nl_item);
#endif
