/* polusgen fake <assert.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_ASSERT_H
#define _POLUS_ASSERT_H
/* assert(e) parses as a call and is emitted as written. */
void __assert_fail(const char *, const char *, unsigned int, const char *);
#endif
