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
/* more names the real header defines (values are its business) */
#define AI_ALL AI_ALL
#define EAI_BADFLAGS EAI_BADFLAGS
#define EAI_FAMILY EAI_FAMILY
#define EAI_MEMORY EAI_MEMORY
#define EAI_OVERFLOW EAI_OVERFLOW
#define EAI_SERVICE EAI_SERVICE
#define EAI_SOCKTYPE EAI_SOCKTYPE
#define NETDB_INTERNAL NETDB_INTERNAL
#define NETDB_SUCCESS NETDB_SUCCESS
#define NI_DGRAM NI_DGRAM
#define NI_NOFQDN NI_NOFQDN
#define NO_ADDRESS NO_ADDRESS
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define AI_CANONIDN AI_CANONIDN
#define AI_IDN AI_IDN
#define AI_IDN_ALLOW_UNASSIGNED AI_IDN_ALLOW_UNASSIGNED
#define AI_IDN_USE_STD3_ASCII_RULES AI_IDN_USE_STD3_ASCII_RULES
#define EAI_ADDRFAMILY EAI_ADDRFAMILY
#define EAI_ALLDONE EAI_ALLDONE
#define EAI_CANCELED EAI_CANCELED
#define EAI_IDN_ENCODE EAI_IDN_ENCODE
#define EAI_INPROGRESS EAI_INPROGRESS
#define EAI_INTR EAI_INTR
#define EAI_NODATA EAI_NODATA
#define EAI_NOTCANCELED EAI_NOTCANCELED
#define GAI_NOWAIT GAI_NOWAIT
#define GAI_WAIT GAI_WAIT
#define NI_IDN NI_IDN
#define NI_IDN_ALLOW_UNASSIGNED NI_IDN_ALLOW_UNASSIGNED
#define NI_IDN_USE_STD3_ASCII_RULES NI_IDN_USE_STD3_ASCII_RULES
#define SCOPE_DELIMITER SCOPE_DELIMITER
#endif /* GNU */
#endif
