/* The paper's Fig. 2 example (Chen et al., TSE 2010), version 1: struct A gains j. */
#ifndef AB_H
#define AB_H

#define NTHREADS 4

struct A { int i; int j; };
struct AB { struct A a; int b; };

extern struct AB ab;
extern long calls[NTHREADS];

void foo(struct A *a);
void bar(void);
void report(void);

#endif
