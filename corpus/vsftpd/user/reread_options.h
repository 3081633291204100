/*
 * Shared by the hand-written parts of the vsftpd patches (this project's
 * code): read the running server's config file again and set the boolean
 * options a release adds, the way vsftpd's parser reads them
 * ("name=YES|TRUE|1|NO|FALSE|0", case-insensitive, '#' comments, no
 * spaces around '=').  Runs inside the listener, in a callback: plain libc,
 * no allocation kept, nothing written but the given options.
 */
#ifndef POLUS_VSFTPD_REREAD_OPTIONS_H
#define POLUS_VSFTPD_REREAD_OPTIONS_H

#include <fcntl.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

struct vsftpd_new_option {
    const char *name;
    int *value;
};

#define VSFTPD_DEFAULT_CONFIG "/etc/vsftpd.conf"   /* vsftpd's VSFTP_DEFAULT_CONFIG */
#define VSFTPD_CONF_MAX (100 * 1024)               /* vsftpd's VSFTP_CONF_FILE_MAX */

/* read all of a small file into buf (NUL-terminated); its length or -1 */
static int vsftpd_read_small(const char *path, char *buf, int cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int n = 0;
    while (n < cap - 1) {
        ssize_t r = read(fd, buf + n, (size_t)(cap - 1 - n));
        if (r <= 0)
            break;
        n += (int)r;
    }
    close(fd);
    buf[n] = '\0';
    return n;
}

/* the config file vsftpd was started with: argv[1] if given, else the default */
static void vsftpd_config_path(char *path, int cap)
{
    static char cmdline[4096];
    int n = vsftpd_read_small("/proc/self/cmdline", cmdline, (int)sizeof(cmdline));
    const char *arg1 = VSFTPD_DEFAULT_CONFIG;
    if (n > 0) {
        int first = (int)strlen(cmdline) + 1;
        if (first < n && cmdline[first] != '\0')
            arg1 = cmdline + first;
    }
    strncpy(path, arg1, (size_t)cap - 1);
    path[cap - 1] = '\0';
}

static int vsftpd_parse_bool(const char *v, int len, int *out)
{
    static const char *const yes[] = {"YES", "TRUE", "1"}, *const no[] = {"NO", "FALSE", "0"};
    for (int i = 0; i < 3; i++) {
        if ((int)strlen(yes[i]) == len && strncasecmp(v, yes[i], (size_t)len) == 0) {
            *out = 1;
            return 0;
        }
        if ((int)strlen(no[i]) == len && strncasecmp(v, no[i], (size_t)len) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

/* Sets each given option the file names; returns how many it set, -1 if the
 * file cannot be read. */
static int vsftpd_reread_new_options(const struct vsftpd_new_option *opts, int nopts)
{
    static char text[VSFTPD_CONF_MAX + 1];
    char path[1024];
    vsftpd_config_path(path, (int)sizeof(path));
    if (vsftpd_read_small(path, text, (int)sizeof(text)) < 0)
        return -1;
    int set = 0;
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        int len = end ? (int)(end - line) : (int)strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            len--;
        const char *eq = memchr(line, '=', (size_t)len);
        if (line[0] != '#' && eq) {
            int nlen = (int)(eq - line), vlen = len - nlen - 1;
            for (int i = 0; i < nopts; i++) {
                int v;
                if ((int)strlen(opts[i].name) == nlen && strncmp(line, opts[i].name, (size_t)nlen) == 0 &&
                    vsftpd_parse_bool(eq + 1, vlen, &v) == 0) {
                    *opts[i].value = v;
                    set++;
                }
            }
        }
        line = end ? end + 1 : NULL;
    }
    return set;
}

#endif
