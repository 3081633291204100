/* A note log shared by two threads (version 0: note() lets n run past
 * the buffer, the tainted state of the paper's section 5.1.3). */
#ifndef LOG_H
#define LOG_H

#define LOG_SIZE 8

struct log { int n; char last; char buf[LOG_SIZE]; };

extern struct log lg;
extern int gate[2];

void note(char c);
void hold(void);
void report(void);

#endif
