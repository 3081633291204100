/* A note log shared by two threads (version 1: notes past the buffer are
 * counted as dropped; n never exceeds LOG_SIZE). */
#ifndef LOG_H
#define LOG_H

#define LOG_SIZE 8

struct log { int n; int dropped; char last; char buf[LOG_SIZE]; };

extern struct log lg;
extern int gate[2];

void note(char c);
void hold(void);
void report(void);

#endif
