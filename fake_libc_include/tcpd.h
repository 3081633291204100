/* polusgen fake <tcpd.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_TCPD_H
#define _POLUS_TCPD_H
/* tcp_wrappers */
struct request_info;
extern int allow_severity;
extern int deny_severity;
#define RQ_FILE RQ_FILE
#define RQ_DAEMON RQ_DAEMON
#define RQ_USER RQ_USER
#define RQ_CLIENT_NAME RQ_CLIENT_NAME
#define RQ_CLIENT_ADDR RQ_CLIENT_ADDR
#define RQ_CLIENT_SIN RQ_CLIENT_SIN
#define RQ_SERVER_NAME RQ_SERVER_NAME
#define RQ_SERVER_ADDR RQ_SERVER_ADDR
#define RQ_SERVER_SIN RQ_SERVER_SIN
#define STRING_UNKNOWN STRING_UNKNOWN
int hosts_ctl(char *, char *, char *, char *);
int hosts_access(struct request_info *);
struct request_info *request_init(struct request_info *, ...);
void fromhost(struct request_info *);
#endif
