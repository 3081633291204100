/* polusgen fake <stdlib.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_STDLIB_H
#define _POLUS_STDLIB_H
#include <_polus_types.h>
typedef int wchar_t;
typedef struct { int quot; int rem; } div_t;
typedef struct { long quot; long rem; } ldiv_t;
typedef struct { long long quot; long long rem; } lldiv_t;
#define NULL NULL
#define EXIT_SUCCESS EXIT_SUCCESS
#define EXIT_FAILURE EXIT_FAILURE
#define RAND_MAX RAND_MAX
#define MB_CUR_MAX MB_CUR_MAX
void *malloc(size_t);
void *calloc(size_t, size_t);
void *realloc(void *, size_t);
void *reallocarray(void *, size_t, size_t);
void free(void *);
void *aligned_alloc(size_t, size_t);
int posix_memalign(void **, size_t, size_t);
void abort(void);
void exit(int);
void _Exit(int);
int atexit(void (*)(void));
char *getenv(const char *);
char *secure_getenv(const char *);
int setenv(const char *, const char *, int);
int unsetenv(const char *);
int putenv(char *);
int clearenv(void);
int system(const char *);
int atoi(const char *);
long atol(const char *);
long long atoll(const char *);
double atof(const char *);
long strtol(const char *, char **, int);
unsigned long strtoul(const char *, char **, int);
long long strtoll(const char *, char **, int);
unsigned long long strtoull(const char *, char **, int);
double strtod(const char *, char **);
float strtof(const char *, char **);
int abs(int);
long labs(long);
long long llabs(long long);
div_t div(int, int);
ldiv_t ldiv(long, long);
int rand(void);
int rand_r(unsigned int *);
void srand(unsigned int);
long random(void);
void srandom(unsigned int);
void qsort(void *, size_t, size_t, int (*)(const void *, const void *));
void *bsearch(const void *, const void *, size_t, size_t, int (*)(const void *, const void *));
int mkstemp(char *);
char *mkdtemp(char *);
char *mktemp(char *);
char *realpath(const char *, char *);
int daemon(int, int);
int getloadavg(double *, int);
int mblen(const char *, size_t);
size_t mbstowcs(wchar_t *, const char *, size_t);
size_t wcstombs(char *, const wchar_t *, size_t);
/* more names the real header defines (values are its business) */
#define WCONTINUED WCONTINUED
#define WEXITED WEXITED
#define WNOHANG WNOHANG
#define WNOWAIT WNOWAIT
#define WSTOPPED WSTOPPED
#define WUNTRACED WUNTRACED
#endif
