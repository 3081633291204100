/* polusgen fake <getopt.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_GETOPT_H
#define _POLUS_GETOPT_H
struct option { const char *name; int has_arg; int *flag; int val; };
#define no_argument no_argument
#define required_argument required_argument
#define optional_argument optional_argument
extern char *optarg;
extern int optind, opterr, optopt;
int getopt(int, char *const [], const char *);
int getopt_long(int, char *const [], const char *, const struct option *, int *);
int getopt_long_only(int, char *const [], const char *, const struct option *, int *);
#endif
