/* polusgen fake <sys/inotify.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_INOTIFY_H
#define _POLUS_SYS_INOTIFY_H
#include <stdint.h>
struct inotify_event { int wd; uint32_t mask; uint32_t cookie; uint32_t len; char name[]; };
#define IN_ACCESS IN_ACCESS
#define IN_MODIFY IN_MODIFY
#define IN_ATTRIB IN_ATTRIB
#define IN_CLOSE_WRITE IN_CLOSE_WRITE
#define IN_CLOSE_NOWRITE IN_CLOSE_NOWRITE
#define IN_OPEN IN_OPEN
#define IN_MOVED_FROM IN_MOVED_FROM
#define IN_MOVED_TO IN_MOVED_TO
#define IN_CREATE IN_CREATE
#define IN_DELETE IN_DELETE
#define IN_DELETE_SELF IN_DELETE_SELF
#define IN_MOVE_SELF IN_MOVE_SELF
#define IN_ALL_EVENTS IN_ALL_EVENTS
#define IN_NONBLOCK IN_NONBLOCK
#define IN_CLOEXEC IN_CLOEXEC
int inotify_init(void);
int inotify_init1(int);
int inotify_add_watch(int, const char *, uint32_t);
int inotify_rm_watch(int, int);
/* more names the real header defines (values are its business) */
#define IN_CLOSE IN_CLOSE
#define IN_DONT_FOLLOW IN_DONT_FOLLOW
#define IN_EXCL_UNLINK IN_EXCL_UNLINK
#define IN_IGNORED IN_IGNORED
#define IN_ISDIR IN_ISDIR
#define IN_MASK_ADD IN_MASK_ADD
#define IN_MASK_CREATE IN_MASK_CREATE
#define IN_MOVE IN_MOVE
#define IN_ONESHOT IN_ONESHOT
#define IN_ONLYDIR IN_ONLYDIR
#define IN_Q_OVERFLOW IN_Q_OVERFLOW
#define IN_UNMOUNT IN_UNMOUNT
#endif
