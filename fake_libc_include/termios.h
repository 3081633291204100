/* polusgen fake <termios.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_TERMIOS_H
#define _POLUS_TERMIOS_H
#include <sys/ttydefaults.h>
#include <_polus_types.h>
typedef unsigned char cc_t;
typedef unsigned int speed_t;
typedef unsigned int tcflag_t;
struct termios { tcflag_t c_iflag; tcflag_t c_oflag; tcflag_t c_cflag; tcflag_t c_lflag; cc_t c_line;
                 cc_t c_cc[32]; speed_t c_ispeed; speed_t c_ospeed; };
#define NCCS NCCS
#define TCSANOW TCSANOW
#define TCSADRAIN TCSADRAIN
#define TCSAFLUSH TCSAFLUSH
#define TCIFLUSH TCIFLUSH
#define TCOFLUSH TCOFLUSH
#define TCIOFLUSH TCIOFLUSH
#define ECHO ECHO
#define ECHOE ECHOE
#define ECHOK ECHOK
#define ECHONL ECHONL
#define ICANON ICANON
#define ISIG ISIG
#define IEXTEN IEXTEN
#define ICRNL ICRNL
#define IXON IXON
#define OPOST OPOST
#define CS8 CS8
#define VMIN VMIN
#define VTIME VTIME
#define B9600 B9600
#define B38400 B38400
#define B115200 B115200
int tcgetattr(int, struct termios *);
int tcsetattr(int, int, const struct termios *);
int tcflush(int, int);
int tcdrain(int);
int tcsendbreak(int, int);
speed_t cfgetispeed(const struct termios *);
speed_t cfgetospeed(const struct termios *);
int cfsetispeed(struct termios *, speed_t);
int cfsetospeed(struct termios *, speed_t);
void cfmakeraw(struct termios *);
/* more names the real header defines (values are its business) */
#define B0 B0
#define B1000000 B1000000
#define B110 B110
#define B1152000 B1152000
#define B1200 B1200
#define B134 B134
#define B150 B150
#define B1500000 B1500000
#define B1800 B1800
#define B19200 B19200
#define B200 B200
#define B2000000 B2000000
#define B230400 B230400
#define B2400 B2400
#define B2500000 B2500000
#define B300 B300
#define B3000000 B3000000
#define B3500000 B3500000
#define B4000000 B4000000
#define B460800 B460800
#define B4800 B4800
#define B50 B50
#define B500000 B500000
#define B57600 B57600
#define B576000 B576000
#define B600 B600
#define B75 B75
#define B921600 B921600
#define BRKINT BRKINT
#define BS0 BS0
#define BS1 BS1
#define BSDLY BSDLY
#define CBAUD CBAUD
#define CBAUDEX CBAUDEX
#define CIBAUD CIBAUD
#define CLOCAL CLOCAL
#define CMSPAR CMSPAR
#define CR0 CR0
#define CR1 CR1
#define CR2 CR2
#define CR3 CR3
#define CRDLY CRDLY
#define CREAD CREAD
#define CRTSCTS CRTSCTS
#define CS5 CS5
#define CS6 CS6
#define CS7 CS7
#define CSIZE CSIZE
#define CSTOPB CSTOPB
#define ECHOCTL ECHOCTL
#define ECHOKE ECHOKE
#define ECHOPRT ECHOPRT
#define EXTA EXTA
#define EXTB EXTB
#define EXTPROC EXTPROC
#define FF0 FF0
#define FF1 FF1
#define FFDLY FFDLY
#define FLUSHO FLUSHO
#define HUPCL HUPCL
#define IGNBRK IGNBRK
#define IGNCR IGNCR
#define IGNPAR IGNPAR
#define IMAXBEL IMAXBEL
#define INLCR INLCR
#define INPCK INPCK
#define ISTRIP ISTRIP
#define IUCLC IUCLC
#define IUTF8 IUTF8
#define IXANY IXANY
#define IXOFF IXOFF
#define NL0 NL0
#define NL1 NL1
#define NLDLY NLDLY
#define NOFLSH NOFLSH
#define OCRNL OCRNL
#define OFDEL OFDEL
#define OFILL OFILL
#define OLCUC OLCUC
#define ONLCR ONLCR
#define ONLRET ONLRET
#define ONOCR ONOCR
#define PARENB PARENB
#define PARMRK PARMRK
#define PARODD PARODD
#define PENDIN PENDIN
#define TAB0 TAB0
#define TAB1 TAB1
#define TAB2 TAB2
#define TAB3 TAB3
#define TABDLY TABDLY
#define TCIOFF TCIOFF
#define TCION TCION
#define TCOOFF TCOOFF
#define TCOON TCOON
#define TIOCSER_TEMT TIOCSER_TEMT
#define TOSTOP TOSTOP
#define VDISCARD VDISCARD
#define VEOF VEOF
#define VEOL VEOL
#define VEOL2 VEOL2
#define VERASE VERASE
#define VINTR VINTR
#define VKILL VKILL
#define VLNEXT VLNEXT
#define VQUIT VQUIT
#define VREPRINT VREPRINT
#define VSTART VSTART
#define VSTOP VSTOP
#define VSUSP VSUSP
#define VSWTC VSWTC
#define VT0 VT0
#define VT1 VT1
#define VTDLY VTDLY
#define VWERASE VWERASE
#define XCASE XCASE
#define XTABS XTABS
#endif
