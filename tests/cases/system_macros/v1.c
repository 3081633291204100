#include <stdio.h>
#include <sys/stat.h>
#include <paths.h>
#include <inttypes.h>

/* a fallback for systems without S_ISDIR: glibc has it, so gcc never takes
 * this branch, and _S_IFMT (which glibc does not define) must not reach a patch */
#ifndef S_ISDIR
#define S_ISDIR(m) (((m) & _S_IFMT) == _S_IFDIR)
#endif

int describe(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    printf("%s: %" PRIu64 " bytes, mode %o\n", path, (uint64_t)st.st_size, (unsigned)st.st_mode);
    return S_ISDIR(st.st_mode);
}

int shell_command(char *buf, size_t len, const char *cmd)
{
    return snprintf(buf, len, "%s%s", _PATH_BSHELL " -c ", cmd);
}

int main(int argc, char **argv)
{
    char buf[256];
    shell_command(buf, sizeof buf, "true");
    return describe(argc > 1 ? argv[1] : ".") < 0;
}
