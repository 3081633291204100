/* polusgen fake <netdb.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_NETDB_H
#define _POLUS_NETDB_H
#include <netinet/in.h>
struct hostent { char *h_name; char **h_aliases; int h_addrtype; int h_length; char **h_addr_list; };
struct servent { char *s_name; char **s_aliases; int s_port; char *s_proto; };
struct protoent { char *p_name; char **p_aliases; int p_proto; };
struct addrinfo { int ai_flags; int ai_family; int ai_socktype; int ai_protocol; socklen_t ai_addrlen;
                  struct sockaddr *ai_addr; char *ai_canonname; struct addrinfo *ai_next; };
extern int h_errno;
#define h_errno h_errno
/* h_addr is a member spelled through a macro: it stays as written */
#define HOST_NOT_FOUND HOST_NOT_FOUND
#define TRY_AGAIN TRY_AGAIN
#define NO_RECOVERY NO_RECOVERY
#define NO_DATA NO_DATA
#define AI_PASSIVE AI_PASSIVE
#define AI_CANONNAME AI_CANONNAME
#define AI_NUMERICHOST AI_NUMERICHOST
#define AI_NUMERICSERV AI_NUMERICSERV
#define AI_ADDRCONFIG AI_ADDRCONFIG
#define AI_V4MAPPED AI_V4MAPPED
#define NI_NUMERICHOST NI_NUMERICHOST
#define NI_NUMERICSERV NI_NUMERICSERV
#define NI_NAMEREQD NI_NAMEREQD
#define NI_MAXHOST NI_MAXHOST
#define NI_MAXSERV NI_MAXSERV
#define EAI_AGAIN EAI_AGAIN
#define EAI_FAIL EAI_FAIL
#define EAI_NONAME EAI_NONAME
#define EAI_SYSTEM EAI_SYSTEM
struct hostent *gethostbyname(const char *);
struct hostent *gethostbyname2(const char *, int);
struct hostent *gethostbyaddr(const void *, socklen_t, int);
int gethostbyname_r(const char *, struct hostent *, char *, size_t, struct hostent **, int *);
struct servent *getservbyname(const char *, const char *);
struct servent *getservbyport(int, const char *);
struct protoent *getprotobyname(const char *);
int getaddrinfo(const char *, const char *, const struct addrinfo *, struct addrinfo **);
void freeaddrinfo(struct addrinfo *);
const char *gai_strerror(int);
int getnameinfo(const struct sockaddr *, socklen_t, char *, socklen_t, char *, socklen_t, int);
const char *hstrerror(int);
#endif
