/* polusgen fake <stdio.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_STDIO_H
#define _POLUS_STDIO_H
#include <_polus_types.h>
#include <stdarg.h>
typedef struct _IO_FILE FILE;
typedef struct { long __pos; int __state; } fpos_t;
extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr
#define NULL NULL
#define EOF EOF
#define BUFSIZ BUFSIZ
#define FILENAME_MAX FILENAME_MAX
#define _IOFBF _IOFBF
#define _IOLBF _IOLBF
#define _IONBF _IONBF
#define SEEK_SET SEEK_SET
#define SEEK_CUR SEEK_CUR
#define SEEK_END SEEK_END
#define L_tmpnam L_tmpnam
#define P_tmpdir P_tmpdir
FILE *fopen(const char *, const char *);
FILE *fdopen(int, const char *);
FILE *freopen(const char *, const char *, FILE *);
FILE *popen(const char *, const char *);
FILE *tmpfile(void);
FILE *fmemopen(void *, size_t, const char *);
int pclose(FILE *);
int fclose(FILE *);
int fflush(FILE *);
int fileno(FILE *);
int feof(FILE *);
int ferror(FILE *);
void clearerr(FILE *);
void setbuf(FILE *, char *);
int setvbuf(FILE *, char *, int, size_t);
void setlinebuf(FILE *);
int printf(const char *, ...);
int fprintf(FILE *, const char *, ...);
int dprintf(int, const char *, ...);
int sprintf(char *, const char *, ...);
int snprintf(char *, size_t, const char *, ...);
int asprintf(char **, const char *, ...);
int vprintf(const char *, va_list);
int vfprintf(FILE *, const char *, va_list);
int vdprintf(int, const char *, va_list);
int vsprintf(char *, const char *, va_list);
int vsnprintf(char *, size_t, const char *, va_list);
int vasprintf(char **, const char *, va_list);
int scanf(const char *, ...);
int fscanf(FILE *, const char *, ...);
int sscanf(const char *, const char *, ...);
int vsscanf(const char *, const char *, va_list);
int fgetc(FILE *);
int getc(FILE *);
int getchar(void);
int ungetc(int, FILE *);
char *fgets(char *, int, FILE *);
int fputc(int, FILE *);
int putc(int, FILE *);
int putchar(int);
int fputs(const char *, FILE *);
int puts(const char *);
ssize_t getline(char **, size_t *, FILE *);
ssize_t getdelim(char **, size_t *, int, FILE *);
size_t fread(void *, size_t, size_t, FILE *);
size_t fwrite(const void *, size_t, size_t, FILE *);
int fseek(FILE *, long, int);
int fseeko(FILE *, off_t, int);
long ftell(FILE *);
off_t ftello(FILE *);
void rewind(FILE *);
int fgetpos(FILE *, fpos_t *);
int fsetpos(FILE *, const fpos_t *);
void perror(const char *);
int remove(const char *);
int rename(const char *, const char *);
char *tmpnam(char *);
void flockfile(FILE *);
void funlockfile(FILE *);
/* more names the real header defines (values are its business) */
#define FOPEN_MAX FOPEN_MAX
#define TMP_MAX TMP_MAX
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define RENAME_EXCHANGE RENAME_EXCHANGE
#define RENAME_NOREPLACE RENAME_NOREPLACE
#define RENAME_WHITEOUT RENAME_WHITEOUT
#define SEEK_DATA SEEK_DATA
#define SEEK_HOLE SEEK_HOLE
#endif /* GNU */
#endif
