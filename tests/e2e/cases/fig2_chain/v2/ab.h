/* The paper's Fig. 2 example (Chen et al., TSE 2010), version 2: struct A gains k too. */
#ifndef AB_H
#define AB_H

#define NTHREADS 4

struct A { int i; int j; int k; };
struct AB { struct A a; int b; };

extern struct AB ab;
extern long calls[NTHREADS];

void foo(struct A *a);
void bar(void);
void report(void);

#endif
