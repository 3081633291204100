/* polusgen fake <sys/capability.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_CAPABILITY_H
#define _POLUS_SYS_CAPABILITY_H
/* libcap */
#include <_polus_types.h>
typedef struct _cap_struct *cap_t;
typedef int cap_value_t;
typedef enum { CAP_EFFECTIVE = 0, CAP_PERMITTED = 1, CAP_INHERITABLE = 2 } cap_flag_t;
typedef enum { CAP_CLEAR = 0, CAP_SET = 1 } cap_flag_value_t;
#include <linux/capability.h>
cap_t cap_init(void);
cap_t cap_get_proc(void);
int cap_set_proc(cap_t);
int cap_free(void *);
cap_t cap_dup(cap_t);
int cap_clear(cap_t);
int cap_set_flag(cap_t, cap_flag_t, int, const cap_value_t *, cap_flag_value_t);
int cap_get_flag(cap_t, cap_value_t, cap_flag_t, cap_flag_value_t *);
cap_t cap_from_text(const char *);
char *cap_to_text(cap_t, ssize_t *);
int capset(void *, void *);
int capget(void *, void *);
#endif
