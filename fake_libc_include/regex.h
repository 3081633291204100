/* polusgen fake <regex.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_REGEX_H
#define _POLUS_REGEX_H
#include <_polus_types.h>
typedef long regoff_t;
typedef struct re_pattern_buffer { void *__buffer; size_t re_nsub; } regex_t;
typedef struct { regoff_t rm_so; regoff_t rm_eo; } regmatch_t;
#define REG_EXTENDED REG_EXTENDED
#define REG_ICASE REG_ICASE
#define REG_NOSUB REG_NOSUB
#define REG_NEWLINE REG_NEWLINE
#define REG_NOMATCH REG_NOMATCH
#define REG_NOTBOL REG_NOTBOL
#define REG_NOTEOL REG_NOTEOL
int regcomp(regex_t *, const char *, int);
int regexec(const regex_t *, const char *, size_t, regmatch_t [], int);
size_t regerror(int, const regex_t *, char *, size_t);
void regfree(regex_t *);
#endif
