/* polusgen fake <sys/un.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_UN_H
#define _POLUS_SYS_UN_H
#include <sys/socket.h>
struct sockaddr_un { sa_family_t sun_family; char sun_path[108]; };
#endif
