/* polusgen fake <locale.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_LOCALE_H
#define _POLUS_LOCALE_H
struct lconv { char *decimal_point; char *thousands_sep; char *grouping; char *int_curr_symbol;
               char *currency_symbol; char *mon_decimal_point; char *mon_thousands_sep;
               char *mon_grouping; char *positive_sign; char *negative_sign; };
typedef struct __locale_struct *locale_t;
#define NULL NULL
#define LC_ALL LC_ALL
#define LC_COLLATE LC_COLLATE
#define LC_CTYPE LC_CTYPE
#define LC_MONETARY LC_MONETARY
#define LC_NUMERIC LC_NUMERIC
#define LC_TIME LC_TIME
#define LC_MESSAGES LC_MESSAGES
char *setlocale(int, const char *);
struct lconv *localeconv(void);
#endif
