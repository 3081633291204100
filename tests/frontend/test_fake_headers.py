"""The fake libc headers: each one parses on its own, and none gives a system
constant a value (fake_libc_include/README.md)."""
from __future__ import annotations

import functools
import re
import shutil

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


# --------------------------------------------------------------------------
# precision against the real headers: a name the fake header defines must be
# defined by the real one too, or `#ifdef NAME` takes the other branch here
# than in the real build (a BSD-only TCP_NOPUSH once did exactly that)
# --------------------------------------------------------------------------

GNU_BLOCK = "#if defined(_GNU_SOURCE) || defined(__USE_GNU)"


def self_defined(header: str) -> tuple[list[str], list[str]]:
    """(names defined in any mode, names defined only with _GNU_SOURCE)."""
    plain, gnu, in_gnu = [], [], False
    for line in (FAKE / header).read_text().splitlines():
        if line.startswith(GNU_BLOCK):
            in_gnu = True
        elif line.startswith("#endif /* GNU */"):
            in_gnu = False
        else:
            m = DEFINE.match(line)
            if m and not m.group(2) and not m.group(1).startswith("_POLUS_") and m.group(1) not in REWRITTEN:
                (gnu if in_gnu else plain).append(m.group(1))
    return plain, gnu


def undefined_in_real(header: str, names: list[str], flags: list[str]) -> list[str] | None:
    """The names the real header neither defines as macros nor declares; None
    if the real header is not installed."""
    import subprocess
    r = subprocess.run(["gcc", "-E", "-dM", *flags, "-x", "c", "-"], input=f"#include <{header}>\n",
                       capture_output=True, text=True)
    if r.returncode:
        return None
    real = {m.group(1) for m in re.finditer(r"^#define (\w+)", r.stdout, re.M)}
    bad = []
    for n in (n for n in names if n not in real):
        c = subprocess.run(["gcc", "-fsyntax-only", *flags, "-x", "c", "-"],
                           input=f"#include <{header}>\nlong polus_probe = sizeof({n});\n", capture_output=True, text=True)
        if c.returncode:
            bad.append(n)
    return bad


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc and the system headers")
@pytest.mark.parametrize("header", HEADERS)
def test_defined_names_exist_in_the_real_header(header):
    plain, gnu = self_defined(header)
    if not plain and not gnu:
        pytest.skip("defines no names")
    default = undefined_in_real(header, plain, [])
    if default is None:
        pytest.skip(f"<{header}> is not installed here")
    assert default == [], f"not in the real <{header}> (without _GNU_SOURCE)"
    assert undefined_in_real(header, plain + gnu, ["-D_GNU_SOURCE"]) == [], \
        f"not in the real <{header}> even with _GNU_SOURCE"


def test_gnu_only_names_follow_gnu_source(tmp_path):
    (tmp_path / "t.c").write_text("#include <fcntl.h>\n#ifdef O_PATH\nint has_o_path;\n#endif\n")
    assert "has_o_path" not in load_program(tmp_path / "t.c", use_cache=False).globals
    (tmp_path / "t.c").write_text("#define _GNU_SOURCE\n#include <fcntl.h>\n#ifdef O_PATH\nint has_o_path;\n#endif\n")
    assert "has_o_path" in load_program(tmp_path / "t.c", use_cache=False).globals


# --------------------------------------------------------------------------
# completeness against the real headers: every macro the real header defines
# is defined during analysis too, or `#ifndef S_ISDIR` takes a fallback
# branch here that gcc never takes (and its expansion lands in the patch).
# The fake headers define the common ones; polusgen.frontend.realheaders
# stands in for the rest, asking the compiler.
# --------------------------------------------------------------------------

# names a program does not test, so not stood in for: reserved for the
# implementation (C11 7.1.3; many of them expand to attributes, `__THROW`,
# which pycparser cannot parse) and include guards, which name a header file
NOT_PUBLIC = re.compile(r"^__|^_[A-Z0-9_]*_H_*$")


def undefined_in_analysis(header: str, names: list[str], defines: list[str], tmp_path) -> list[str]:
    from polusgen.frontend.preprocess import FileNames, preprocess

    probe = tmp_path / "probe.c"
    probe.write_text("".join(f"#define {d}\n" for d in defines) + f"#include <{header}>\n"
                     + "".join(f"#ifndef {n}\npolus_missing {n}\n#endif\n" for n in names))
    text = preprocess(probe, [], tmp_path, [], FileNames(tmp_path)).text
    return re.findall(r"^polus_missing (\w+)", text, re.M)


@functools.lru_cache(maxsize=None)
def real_macro_names(text: str) -> frozenset[str]:
    """What gcc -E -dM says `text` defines."""
    import subprocess

    out = subprocess.run(["gcc", "-E", "-dM", "-x", "c", "-"], input=text, capture_output=True, text=True).stdout
    return frozenset(m.group(1) for m in re.finditer(r"^#define (\w+)", out, re.M))


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc and the system headers")
@pytest.mark.parametrize("header", HEADERS)
def test_every_macro_of_the_real_header_is_defined_in_analysis(header, tmp_path):
    defines = ["_GNU_SOURCE"]          # the most names; tests/cases/system_macros runs without it
    real = real_macro_names("".join(f"#define {d}\n" for d in defines) + f"#include <{header}>\n") \
        - real_macro_names("")
    if not real:
        pytest.skip(f"<{header}> is not installed here")
    public = sorted(n for n in real if not NOT_PUBLIC.match(n))
    assert undefined_in_analysis(header, public, defines, tmp_path) == []
