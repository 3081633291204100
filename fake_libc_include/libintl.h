/* polusgen fake <libintl.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LIBINTL_H
#define _POLUS_LIBINTL_H
char *gettext(const char *);
char *dgettext(const char *, const char *);
char *ngettext(const char *, const char *, unsigned long);
char *textdomain(const char *);
char *bindtextdomain(const char *, const char *);
char *bind_textdomain_codeset(const char *, const char *);
#endif
