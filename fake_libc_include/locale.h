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
/* more names the real header defines (values are its business) */
#define LC_ADDRESS LC_ADDRESS
#define LC_ADDRESS_MASK LC_ADDRESS_MASK
#define LC_ALL_MASK LC_ALL_MASK
#define LC_COLLATE_MASK LC_COLLATE_MASK
#define LC_CTYPE_MASK LC_CTYPE_MASK
#define LC_GLOBAL_LOCALE LC_GLOBAL_LOCALE
#define LC_IDENTIFICATION LC_IDENTIFICATION
#define LC_IDENTIFICATION_MASK LC_IDENTIFICATION_MASK
#define LC_MEASUREMENT LC_MEASUREMENT
#define LC_MEASUREMENT_MASK LC_MEASUREMENT_MASK
#define LC_MESSAGES_MASK LC_MESSAGES_MASK
#define LC_MONETARY_MASK LC_MONETARY_MASK
#define LC_NAME LC_NAME
#define LC_NAME_MASK LC_NAME_MASK
#define LC_NUMERIC_MASK LC_NUMERIC_MASK
#define LC_PAPER LC_PAPER
#define LC_PAPER_MASK LC_PAPER_MASK
#define LC_TELEPHONE LC_TELEPHONE
#define LC_TELEPHONE_MASK LC_TELEPHONE_MASK
#define LC_TIME_MASK LC_TIME_MASK
#endif
