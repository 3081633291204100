"""The fake headers never leak into generated code: every translation unit,
printed back from its AST by SourceGenerator (program declarations only) after
its system prologue, compiles with gcc against the REAL system headers."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pycparser import c_ast

from polusgen.csyntax.cgen import SourceGenerator
from polusgen.frontend.preprocess import FileNames
from polusgen.frontend.preprocess import preprocess
from polusgen.frontend.sources import resolve_sources
from polusgen.frontend.tu import parse_c

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


def regenerate(source, out: Path, **opts) -> list[str]:
    """Write each TU back as C; return gcc's complaints (empty if all compile)."""
    src = resolve_sources(source, opts.get("include_dirs", ()), opts.get("defines", ()))
    errors = []
    for u in src.units:
        names = FileNames(src.root, u.system_dirs)
        pp = preprocess(u.path, u.include_dirs, src.root, u.defines, names, u.forced_includes, u.system_dirs)
        ast = parse_c(pp.text, names, str(u.path))
        own = [e for e in ast.ext if not (e.coord and names.is_system(e.coord.file))]
        text = "".join(line + "\n" for line in pp.prologue) + SourceGenerator().visit(c_ast.FileAST(own))
        assert "__polus" not in text
        path = out / (u.name.replace("/", "__") + ".c")
        path.write_text(text)
        r = subprocess.run(["gcc", "-fsyntax-only", "-w", "-std=gnu11", str(path)], capture_output=True, text=True)
        if r.returncode:
            errors.append(f"{u.name}: {r.stderr[:800]}")
    return errors


def test_small_program_with_system_macros(tmp_path):
    src = tmp_path / "v"
    src.mkdir()
    (src / "m.c").write_text(
        "#define _GNU_SOURCE\n#include <stdio.h>\n#include <stdarg.h>\n#include <stddef.h>\n#include <signal.h>\n"
        "#include <errno.h>\n#include <sys/select.h>\n#include <sys/stat.h>\n#include <sys/wait.h>\n"
        "#include <netinet/in.h>\n#include <sys/socket.h>\n#include <limits.h>\n"
        "struct rec { int a; char name[8]; };\n"
        "static long sum(int n, ...) { va_list ap; long s = 0; va_start(ap, n);\n"
        "  while (n--) s += va_arg(ap, long); va_end(ap); return s + (long)offsetof(struct rec, name); }\n"
        "int check(int fd, fd_set *set, struct stat *st, int status) {\n"
        "  char buf[PATH_MAX]; struct sockaddr_in sin; (void)buf;\n"
        "  FD_ZERO(set); FD_SET(fd, set); signal(SIGPIPE, SIG_IGN); sin.sin_port = htons(21);\n"
        "  __asm__ __volatile__(\"\" : : \"r\"(set) : \"memory\");\n"
        "  if (errno == EINTR || S_ISDIR(st->st_mode) || WIFEXITED(status)) return INT_MAX;\n"
        "  return (int)sum(2, 1L, 2L) + FD_ISSET(fd, set) + sin.sin_port + EOF + BUFSIZ;\n}\n")
    assert regenerate(src, tmp_path) == []


def test_the_frontend_test_tree(tmp_path):
    assert regenerate(DATA / "tree", tmp_path, include_dirs=["include"], defines=['GREETING="x"']) == []


@pytest.mark.parametrize("program", sorted(p.relative_to(REPO).as_posix()
                                           for p in (REPO / "corpus").glob("*/v*") if p.is_dir()))
def test_corpus_programs(program, tmp_path):
    assert regenerate(REPO / program, tmp_path) == []


VSFTPD = os.environ.get("POLUS_VSFTPD_DIR")


@pytest.mark.vsftpd
@pytest.mark.skipif(not VSFTPD, reason="POLUS_VSFTPD_DIR is not set")
@pytest.mark.parametrize("release", ["2.0.0", "2.0.4", "2.0.7"])
def test_vsftpd(release, tmp_path):
    root = Path(VSFTPD or "") / release
    if not root.is_dir():
        pytest.skip(f"{root} is missing")
    assert regenerate(root, tmp_path) == []
