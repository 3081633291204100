/* polusgen fake <sys/sysinfo.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_SYS_SYSINFO_H
#define _POLUS_SYS_SYSINFO_H
struct sysinfo { long uptime; unsigned long loads[3]; unsigned long totalram; unsigned long freeram;
                 unsigned long sharedram; unsigned long bufferram; unsigned long totalswap;
                 unsigned long freeswap; unsigned short procs; unsigned long totalhigh;
                 unsigned long freehigh; unsigned int mem_unit; };
int sysinfo(struct sysinfo *);
int get_nprocs(void);
#endif
