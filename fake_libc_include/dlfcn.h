/* polusgen fake <dlfcn.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_DLFCN_H
#define _POLUS_DLFCN_H
typedef struct { const char *dli_fname; void *dli_fbase; const char *dli_sname; void *dli_saddr; } Dl_info;
#define RTLD_LAZY RTLD_LAZY
#define RTLD_NOW RTLD_NOW
#define RTLD_GLOBAL RTLD_GLOBAL
#define RTLD_LOCAL RTLD_LOCAL
#define RTLD_NOLOAD RTLD_NOLOAD
#define RTLD_NODELETE RTLD_NODELETE
#define RTLD_DEFAULT RTLD_DEFAULT
#define RTLD_NEXT RTLD_NEXT
void *dlopen(const char *, int);
void *dlsym(void *, const char *);
int dlclose(void *);
char *dlerror(void);
int dladdr(const void *, Dl_info *);
/* more names the real header defines (values are its business) */
#define RTLD_BINDING_MASK RTLD_BINDING_MASK
#define RTLD_DEEPBIND RTLD_DEEPBIND
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define DLFO_EH_SEGMENT_TYPE DLFO_EH_SEGMENT_TYPE
#define DLFO_STRUCT_HAS_EH_COUNT DLFO_STRUCT_HAS_EH_COUNT
#define DLFO_STRUCT_HAS_EH_DBASE DLFO_STRUCT_HAS_EH_DBASE
#define LM_ID_BASE LM_ID_BASE
#define LM_ID_NEWLM LM_ID_NEWLM
#endif /* GNU */
#endif
