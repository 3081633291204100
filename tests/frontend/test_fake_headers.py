"""The fake libc headers: each one parses on its own, and none gives a system
constant a value (fake_libc_include/README.md)."""
from __future__ import annotations

import re

import pytest

from polusgen.frontend import load_program
from polusgen.resources import fake_libc_dir

FAKE = fake_libc_dir()
HEADERS = sorted(p.relative_to(FAKE).as_posix() for p in FAKE.rglob("*.h") if not p.name.startswith("_polus"))

# macros only ever compared in #if: they carry real values (README, rule 6)
VALUED = {
    "CHAR_BIT", "LINUX_VERSION_CODE", "KERNEL_VERSION", "OPENSSL_VERSION_NUMBER",
    "__LITTLE_ENDIAN", "__BIG_ENDIAN", "__BYTE_ORDER", "LITTLE_ENDIAN", "BIG_ENDIAN", "BYTE_ORDER",
    "_POSIX_VERSION", "_POSIX_C_SOURCE", "_XOPEN_SOURCE", "_POSIX_SAVED_IDS", "_POSIX_JOB_CONTROL",
    "__bool_true_false_are_defined", "true", "false", "bool",
}
# macros rewritten into something pycparser parses (README, rule 5)
REWRITTEN = {"va_arg", "offsetof", "STACK_OF", "__POLUS_UTMP_MEMBERS"}

NETWORK_SERVER_HEADERS = [
    "stddef.h", "stdint.h", "inttypes.h", "stdio.h", "stdlib.h", "string.h", "strings.h", "ctype.h",
    "errno.h", "limits.h", "stdarg.h", "stdbool.h", "assert.h", "signal.h", "setjmp.h", "time.h",
    "locale.h", "math.h", "unistd.h", "fcntl.h", "sys/types.h", "sys/stat.h", "sys/time.h",
    "sys/select.h", "poll.h", "sys/poll.h", "sys/socket.h", "sys/un.h", "netinet/in.h", "netinet/tcp.h",
    "netinet/in_systm.h", "netinet/ip.h", "arpa/inet.h", "netdb.h", "sys/mman.h", "sys/wait.h",
    "sys/resource.h", "sys/uio.h", "sys/ioctl.h", "sys/param.h", "sys/prctl.h", "sys/sendfile.h",
    "sys/statvfs.h", "sys/vfs.h", "sys/utsname.h", "sys/file.h", "sys/capability.h",
    "linux/capability.h", "sys/syscall.h", "dirent.h", "pwd.h", "grp.h", "shadow.h", "crypt.h",
    "syslog.h", "utime.h", "utmp.h", "utmpx.h", "lastlog.h", "pthread.h", "semaphore.h", "sched.h",
    "dlfcn.h", "fnmatch.h", "glob.h", "termios.h", "pty.h", "security/pam_appl.h", "tcpd.h",
    "openssl/ssl.h", "openssl/err.h", "openssl/rand.h", "openssl/bio.h", "openssl/x509.h",
    "openssl/evp.h", "openssl/crypto.h", "sys/epoll.h", "sys/inotify.h", "sys/eventfd.h",
    "linux/unistd.h", "features.h",
]


def test_the_headers_network_servers_use_are_there():
    assert not [h for h in NETWORK_SERVER_HEADERS if h not in HEADERS]


@pytest.mark.parametrize("header", HEADERS)
def test_each_header_parses_alone_and_is_system(header, tmp_path):
    (tmp_path / "t.c").write_text(f"#include <{header}>\nint polus_probe;\n")
    p = load_program(tmp_path / "t.c", use_cache=False)
    assert set(p.globals) == {"polus_probe"} and not p.functions
    assert p.system_includes["t.c"][0] == header
    assert all(t.system for t in p.types.values())


DEFINE = re.compile(r"^\s*#\s*define\s+(\w+)(\([^)]*\))?\s*(.*)$")


@pytest.mark.parametrize("header", HEADERS)
def test_object_like_macros_have_no_values(header):
    bad = []
    for line in (FAKE / header).read_text().splitlines():
        m = DEFINE.match(line)
        if not m:
            continue
        name, params, body = m.group(1), m.group(2), m.group(3).strip()
        if name.startswith("_POLUS_") or name in VALUED or name in REWRITTEN:
            continue
        if params:
            bad.append(f"{name}: function-like system macros stay undefined")
        elif body not in ("", name):
            bad.append(f"{name} is given the value {body!r}")
    assert not bad, bad


def test_every_typedef_name_of_the_types_header_parses(tmp_path):
    """A program that names many system types in one TU."""
    (tmp_path / "t.c").write_text(
        "#include <sys/types.h>\n#include <sys/socket.h>\n#include <netinet/in.h>\n#include <pthread.h>\n"
        "#include <openssl/ssl.h>\n#include <sys/epoll.h>\n#include <signal.h>\n"
        "struct everything { size_t a; ssize_t b; off_t c; pid_t d; uid_t e; socklen_t f; in_port_t g;\n"
        "  pthread_mutex_t h; SSL_CTX *i; struct epoll_event j; sigset_t k; STACK_OF(X509_NAME) *l; };\n")
    p = load_program(tmp_path / "t.c", use_cache=False)
    ev = p.types["struct everything"]
    assert {"typedef size_t", "typedef pthread_mutex_t", "typedef SSL_CTX", "struct epoll_event",
            "struct stack_st_X509_NAME"} <= ev.deps
    assert "typedef SSL_CTX" not in ev.deps_by_value and "struct epoll_event" in ev.deps_by_value
