/* polusgen fake <sys/shm.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SHM_H
#define _POLUS_SYS_SHM_H
#include <sys/ipc.h>
typedef unsigned long shmatt_t;
struct shmid_ds { struct ipc_perm shm_perm; size_t shm_segsz; time_t shm_atime; time_t shm_dtime;
                  time_t shm_ctime; pid_t shm_cpid; pid_t shm_lpid; shmatt_t shm_nattch; };
#define SHM_RDONLY SHM_RDONLY
int shmget(key_t, size_t, int);
void *shmat(int, const void *, int);
int shmdt(const void *);
int shmctl(int, int, struct shmid_ds *);
#endif
