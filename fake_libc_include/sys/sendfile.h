/* polusgen fake <sys/sendfile.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SENDFILE_H
#define _POLUS_SYS_SENDFILE_H
#include <_polus_types.h>
ssize_t sendfile(int, int, off_t *, size_t);
ssize_t sendfile64(int, int, off64_t *, size_t);
#endif
