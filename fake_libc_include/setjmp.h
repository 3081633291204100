/* polusgen fake <setjmp.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SETJMP_H
#define _POLUS_SETJMP_H
typedef struct __jmp_buf_tag { long __jmpbuf[8]; int __mask_was_saved; unsigned long __saved_mask[16]; } jmp_buf[1];
typedef struct __jmp_buf_tag sigjmp_buf[1];
int setjmp(jmp_buf);
int _setjmp(jmp_buf);
int sigsetjmp(sigjmp_buf, int);
void longjmp(jmp_buf, int);
void _longjmp(jmp_buf, int);
void siglongjmp(sigjmp_buf, int);
#endif
