/* polusgen fake <time.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_TIME_H
#define _POLUS_TIME_H
#include <_polus_types.h>
struct timespec { time_t tv_sec; long tv_nsec; };
struct tm {
    int tm_sec; int tm_min; int tm_hour; int tm_mday; int tm_mon; int tm_year;
    int tm_wday; int tm_yday; int tm_isdst; long tm_gmtoff; const char *tm_zone;
};
struct itimerspec { struct timespec it_interval; struct timespec it_value; };
struct sigevent;
#define NULL NULL
#define CLOCKS_PER_SEC CLOCKS_PER_SEC
#define CLOCK_REALTIME CLOCK_REALTIME
#define CLOCK_MONOTONIC CLOCK_MONOTONIC
#define CLOCK_PROCESS_CPUTIME_ID CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID CLOCK_THREAD_CPUTIME_ID
#define TIMER_ABSTIME TIMER_ABSTIME
extern char *tzname[2];
extern long timezone;
extern int daylight;
time_t time(time_t *);
clock_t clock(void);
double difftime(time_t, time_t);
time_t mktime(struct tm *);
time_t timegm(struct tm *);
struct tm *gmtime(const time_t *);
struct tm *gmtime_r(const time_t *, struct tm *);
struct tm *localtime(const time_t *);
struct tm *localtime_r(const time_t *, struct tm *);
char *asctime(const struct tm *);
char *ctime(const time_t *);
char *ctime_r(const time_t *, char *);
size_t strftime(char *, size_t, const char *, const struct tm *);
char *strptime(const char *, const char *, struct tm *);
void tzset(void);
int nanosleep(const struct timespec *, struct timespec *);
int clock_gettime(clockid_t, struct timespec *);
int clock_settime(clockid_t, const struct timespec *);
int clock_getres(clockid_t, struct timespec *);
int clock_nanosleep(clockid_t, int, const struct timespec *, struct timespec *);
int timer_create(clockid_t, struct sigevent *, timer_t *);
int timer_delete(timer_t);
int timer_settime(timer_t, int, const struct itimerspec *, struct itimerspec *);
/* more names the real header defines (values are its business) */
#define CLOCK_BOOTTIME CLOCK_BOOTTIME
#define CLOCK_BOOTTIME_ALARM CLOCK_BOOTTIME_ALARM
#define CLOCK_MONOTONIC_COARSE CLOCK_MONOTONIC_COARSE
#define CLOCK_MONOTONIC_RAW CLOCK_MONOTONIC_RAW
#define CLOCK_REALTIME_ALARM CLOCK_REALTIME_ALARM
#define CLOCK_REALTIME_COARSE CLOCK_REALTIME_COARSE
#define CLOCK_TAI CLOCK_TAI
#define TIME_UTC TIME_UTC
/* only with _GNU_SOURCE, as in glibc */
#if defined(_GNU_SOURCE) || defined(__USE_GNU)
#define ADJ_ESTERROR ADJ_ESTERROR
#define ADJ_FREQUENCY ADJ_FREQUENCY
#define ADJ_MAXERROR ADJ_MAXERROR
#define ADJ_MICRO ADJ_MICRO
#define ADJ_NANO ADJ_NANO
#define ADJ_OFFSET ADJ_OFFSET
#define ADJ_OFFSET_SINGLESHOT ADJ_OFFSET_SINGLESHOT
#define ADJ_OFFSET_SS_READ ADJ_OFFSET_SS_READ
#define ADJ_SETOFFSET ADJ_SETOFFSET
#define ADJ_STATUS ADJ_STATUS
#define ADJ_TAI ADJ_TAI
#define ADJ_TICK ADJ_TICK
#define ADJ_TIMECONST ADJ_TIMECONST
#define MOD_CLKA MOD_CLKA
#define MOD_CLKB MOD_CLKB
#define MOD_ESTERROR MOD_ESTERROR
#define MOD_FREQUENCY MOD_FREQUENCY
#define MOD_MAXERROR MOD_MAXERROR
#define MOD_MICRO MOD_MICRO
#define MOD_NANO MOD_NANO
#define MOD_OFFSET MOD_OFFSET
#define MOD_STATUS MOD_STATUS
#define MOD_TAI MOD_TAI
#define MOD_TIMECONST MOD_TIMECONST
#define STA_CLK STA_CLK
#define STA_CLOCKERR STA_CLOCKERR
#define STA_DEL STA_DEL
#define STA_FLL STA_FLL
#define STA_FREQHOLD STA_FREQHOLD
#define STA_INS STA_INS
#define STA_MODE STA_MODE
#define STA_NANO STA_NANO
#define STA_PLL STA_PLL
#define STA_PPSERROR STA_PPSERROR
#define STA_PPSFREQ STA_PPSFREQ
#define STA_PPSJITTER STA_PPSJITTER
#define STA_PPSSIGNAL STA_PPSSIGNAL
#define STA_PPSTIME STA_PPSTIME
#define STA_PPSWANDER STA_PPSWANDER
#define STA_RONLY STA_RONLY
#define STA_UNSYNC STA_UNSYNC
#endif /* GNU */
#endif
