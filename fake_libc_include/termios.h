/* polusgen fake <termios.h>: names for pycparser, no values (see README.md) */
#ifndef _POLUS_TERMIOS_H
#define _POLUS_TERMIOS_H
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
#endif
