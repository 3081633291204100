/* polusgen fake <_polus_pthreadtypes.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS__POLUS_PTHREADTYPES_H
#define _POLUS__POLUS_PTHREADTYPES_H
typedef unsigned long pthread_t;
typedef struct { int __size[14]; } pthread_attr_t;
typedef struct { int __size[10]; } pthread_mutex_t;
typedef struct { int __size; } pthread_mutexattr_t;
typedef struct { int __size[12]; } pthread_cond_t;
typedef struct { int __size; } pthread_condattr_t;
typedef struct { int __size[14]; } pthread_rwlock_t;
typedef struct { int __size[2]; } pthread_rwlockattr_t;
typedef struct { int __size[8]; } pthread_barrier_t;
typedef struct { int __size; } pthread_barrierattr_t;
typedef int pthread_spinlock_t;
typedef unsigned int pthread_key_t;
typedef int pthread_once_t;
#endif
