"""load_program: what a Program says about small C inputs."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from polusgen.csyntax.cgen import SourceGenerator
from polusgen.errors import SourceError
from polusgen.frontend import load_program
from polusgen.frontend import cache as fcache
from polusgen.frontend.loader import MIN_PARALLEL

DATA = Path(__file__).parent / "data"


# --------------------------------------------------------------------------
# merging translation units
# --------------------------------------------------------------------------

def test_statics_of_the_same_name_in_two_files_both_survive(tree):
    root = tree({
        "a.c": "static int count = 1;\nstatic int bump(void) { return ++count; }\nint a(void) { return bump(); }\n",
        "sub/b.c": "static int count = 2;\nstatic int bump(void) { return count--; }\nint b(void) { return bump(); }\n",
    })
    p = load_program(root)
    assert p.files == ["a.c", "sub/b.c"]
    assert {"count@a.c", "count@sub/b.c"} <= set(p.globals)
    assert p.globals["count@a.c"].init_text == "1" and p.globals["count@sub/b.c"].init_text == "2"
    assert p.globals["count@sub/b.c"].static and p.globals["count@sub/b.c"].file == "sub/b.c"
    assert p.functions["a"].calls == {"bump@a.c"}
    assert p.functions["b"].calls == {"bump@sub/b.c"}
    assert p.functions["bump@a.c"].writes == {"count@a.c"}
    assert p.functions["bump@sub/b.c"].writes == {"count@sub/b.c"}


def test_static_declared_first_keeps_internal_linkage(tree):
    root = tree({"a.c": "static int helper(void);\nint helper(void) { return 1; }\nint f(void) { return helper(); }\n"})
    p = load_program(root)
    assert "helper@a.c" in p.functions and "helper" not in p.functions
    assert p.functions["f"].calls == {"helper@a.c"}


def test_duplicate_external_definition_names_both_files(tree):
    root = tree({"a.c": "int shared = 1;\n", "b.c": "int other;\nint shared = 2;\n"})
    with pytest.raises(SourceError) as e:
        load_program(root)
    msg = str(e.value)
    assert "shared" in msg and "a.c" in msg and "b.c" in msg and "b.c:2" in msg


def test_duplicate_function_definition_is_an_error(tree):
    root = tree({"a.c": "void f(void) {}\n", "b.c": "void f(void) {}\n"})
    with pytest.raises(SourceError, match=r"'f'.*a\.c"):
        load_program(root)


def test_extern_declaration_without_definition_is_extern_only(tree):
    root = tree({
        "g.h": "extern int defined_here;\nextern int nowhere;\n",
        "a.c": '#include "g.h"\nint defined_here = 3;\nint use(void) { return defined_here + nowhere; }\n',
        "b.c": '#include "g.h"\nint use2(void) { return nowhere; }\n',
    })
    p = load_program(root)
    assert p.globals["defined_here"].extern_only is False
    assert p.globals["defined_here"].file == "a.c"
    assert p.globals["nowhere"].extern_only is True
    assert p.functions["use"].reads == {"defined_here", "nowhere"}


def test_tentative_and_initialized_definitions_in_one_tu_merge(tree):
    root = tree({"a.c": "int x;\nextern int x;\nint x = 5;\nint f(void) { return x; }\n"})
    p = load_program(root)
    assert p.globals["x"].init_text == "5" and not p.globals["x"].extern_only


# --------------------------------------------------------------------------
# uses inside function bodies
# --------------------------------------------------------------------------

SCOPING = """
int g;
int h;
static int s;
int arr[4];
void sink(int *p);
int callee(void) { return 0; }

int shadow(int g)            /* the parameter shadows the global */
{
    int h = g;               /* so does this local */
    {
        extern int s;        /* block-scope extern refers to the file-scope static */
        s = h;
    }
    return h;
}

int block_shadow(void)
{
    int total = g;           /* reads the global */
    for (int g = 0; g < 3; g++)
        total += g;          /* the loop variable, not the global */
    {
        int arr = 1;         /* shadows the array in this block only */
        total += arr;
    }
    arr[0] = total;          /* writes the global array */
    return total;
}
"""


def test_locals_and_parameters_shadow_globals(tree):
    p = load_program(tree({"s.c": SCOPING}))
    f = p.functions["shadow"]
    assert f.reads == set() and f.writes == {"s@s.c"}
    b = p.functions["block_shadow"]
    assert b.reads == {"g"}
    assert b.writes == {"arr"}


USES = """
struct pt { int x, y; };
struct pt origin;
struct pt *cursor;
int counter;
int total;
int table[8];
int flag;
const char banner[] = "hi";
void fill(int *p, int n);
int twice(int v) { return v * 2; }
static void on_event(void) {}
void (*hook)(void) = on_event;

void writer(void)
{
    counter = 1;                 /* assigned */
    total += twice(counter);     /* compound assignment: read and written */
    origin.x = 3;                /* member of a global struct */
    cursor->y = 4;               /* through a pointer: reads cursor only */
    table[2]++;                  /* element of a global array */
    fill(table, 8);              /* array passed to a function */
    fill(&flag, 1);              /* address taken */
    hook = on_event;             /* function used as a value */
    if (banner[0])
        hook();                  /* call through a global function pointer */
}
"""


def test_reads_writes_calls_and_address_taken(tree):
    p = load_program(tree({"u.c": USES}))
    f = p.functions["writer"]
    assert f.writes == {"counter", "total", "origin", "table", "flag", "hook"}
    assert f.reads == {"counter", "total", "cursor", "table", "flag", "banner", "hook"}
    assert f.calls == {"twice"}                       # fill is only declared: not the program's
    assert f.addr_taken == {"on_event@u.c"}
    assert "struct pt" in f.type_deps or "struct pt" in p.globals["origin"].type_deps
    assert p.globals["banner"].const and not p.globals["counter"].const
    assert p.globals["hook"].init_text == "on_event"
    assert p.globals["table"].type_text == "int [8]"
    assert p.globals["hook"].type_text == "void (*)(void)"


def test_struct_member_names_are_not_globals(tree):
    src = "int x;\nstruct s { int x; };\nint f(struct s *p) { struct s v = { .x = 1 }; return p->x + v.x; }\n"
    p = load_program(tree({"m.c": src}))
    assert p.functions["f"].reads == set()


def test_implicitly_declared_call_to_a_program_function(tree):
    root = tree({"a.c": "int f(void) { return later(); }\n", "b.c": "int later(void) { return 1; }\n"})
    p = load_program(root)
    assert p.functions["f"].calls == {"later"}


# --------------------------------------------------------------------------
# types
# --------------------------------------------------------------------------

TYPES = """
#include <stddef.h>
enum color { RED, GREEN = 4, BLUE };
typedef struct node node_t;
typedef int (*visit_fn)(node_t *n, enum color c);
struct payload { char bytes[16]; };
struct node {
    struct payload data;
    struct node *next;
    visit_fn visit;
    size_t len;
    union { int i; struct payload *p; } u;
};
typedef struct { struct payload inline_p; } wrapper_t;

int paint(struct node *n)
{
    int c = GREEN;
    return c + (int)sizeof(wrapper_t) + ((struct payload *)0 != 0);
}
"""


def test_type_dependencies(tree):
    p = load_program(tree({"t.c": TYPES}))
    node = p.types["struct node"]
    assert node.kind == "struct" and node.name == "node" and not node.system
    assert node.deps == {"struct payload", "typedef visit_fn", "typedef size_t"}
    # a field of a pointer typedef is still held by value: its size is the typedef's
    assert node.deps_by_value == {"struct payload", "typedef size_t", "typedef visit_fn"}
    fn = p.types["typedef visit_fn"]
    assert fn.deps == {"typedef node_t", "enum color"} and fn.deps_by_value == set()
    assert p.types["typedef node_t"].deps == {"struct node"}
    assert p.types["typedef node_t"].deps_by_value == {"struct node"}
    assert p.types["typedef wrapper_t"].deps_by_value == {"struct payload"}
    assert p.enumerators == {"RED": "enum color", "GREEN": "enum color", "BLUE": "enum color"}
    paint = p.functions["paint"]
    assert paint.sig_type_deps == {"struct node"}
    assert paint.type_deps == {"struct node", "enum color", "typedef wrapper_t", "struct payload"}


def test_enumerator_use_is_a_type_dependency(tree):
    src = "enum mode { OFF, ON };\nint is_on(int m) { return m == ON; }\nint plain(int m) { return m; }\n"
    p = load_program(tree({"e.c": src}))
    assert p.functions["is_on"].type_deps == {"enum mode"}
    assert p.functions["plain"].type_deps == set()


def test_system_types_are_flagged_with_their_header(tree):
    src = "#include <sys/socket.h>\n#include <stdio.h>\nstruct sockaddr_storage peer;\nFILE *log_fp;\n"
    p = load_program(tree({"s.c": src}))
    ss = p.types["struct sockaddr_storage"]
    assert ss.system and ss.coord.file == "sys/socket.h"
    assert p.types["typedef FILE"].system and p.types["typedef FILE"].coord.file == "stdio.h"
    # system declarations are not program entities
    assert set(p.globals) == {"peer", "log_fp"}
    assert "printf" not in p.functions


# --------------------------------------------------------------------------
# canonical text
# --------------------------------------------------------------------------

def test_coordinates_comments_and_whitespace_do_not_change_text(tree, tmp_path):
    a = tree({"x.c": "int g = 1;\nint f(int a, int b) { return a + b * g; }\n"}, tmp_path / "a")
    b = tree({"x.c": "/* moved */\n\n\nint g =\n  1;\n\nint f(int x,\n      int y)\n{\n"
                     "    // comment\n    return x+y*g;\n}\n"}, tmp_path / "b")
    pa, pb = load_program(a), load_program(b)
    fa, fb = pa.functions["f"], pb.functions["f"]
    assert fa.signature_text == fb.signature_text == "int f(int, int)"
    assert fa.coord.line != fb.coord.line
    assert pa.globals["g"].init_text == pb.globals["g"].init_text
    # parameter names are part of the body, not of the signature
    assert fa.body_text != fb.body_text


def test_system_macros_keep_their_spelling(tree):
    src = """
    #include <errno.h>
    #include <signal.h>
    #include <sys/select.h>
    #include <stdio.h>
    #ifdef SIGPIPE
    int has_sigpipe = 1;
    #endif
    int wait_fd(int fd, fd_set *set)
    {
        FD_ZERO(set);
        FD_SET(fd, set);
        signal(SIGPIPE, SIG_IGN);
        if (errno == EINTR || errno == EAGAIN)
            return EOF;
        return FD_ISSET(fd, set) ? BUFSIZ : 0;
    }
    """
    p = load_program(tree({"m.c": src}))
    assert "has_sigpipe" in p.globals
    body = p.functions["wait_fd"].body_text
    for spelled in ("FD_ZERO(set)", "FD_SET(fd, set)", "signal(SIGPIPE, SIG_IGN)", "errno == EINTR",
                    "errno == EAGAIN", "return EOF", "FD_ISSET(fd, set)", "BUFSIZ"):
        assert spelled in body


def test_va_arg_and_offsetof_round_trip(tree):
    src = """
    #include <stdarg.h>
    #include <stddef.h>
    struct rec { int a; char name[8]; };
    long sum(int n, ...)
    {
        va_list ap;
        long s = 0;
        va_start(ap, n);
        while (n--)
            s += va_arg(ap, long) + (long)va_arg(ap, struct rec *)->a;
        va_end(ap);
        return s + (long)offsetof(struct rec, name);
    }
    """
    p = load_program(tree({"v.c": src}))
    f = p.functions["sum"]
    assert "va_arg(ap, long)" in f.body_text
    assert "va_arg(ap, struct rec *)->a" in f.body_text
    assert "offsetof(struct rec, name)" in f.body_text
    assert "__polus" not in f.body_text
    assert "struct rec" in f.type_deps
    # the generator the emitter subclasses prints the same
    assert "va_arg(ap, long)" in SourceGenerator().visit(f.node)


def test_gnu_spellings_are_accepted(tree):
    src = """
    static __inline__ int fast(int x) __attribute__((always_inline));
    static __inline__ int fast(int x) { return x; }
    __extension__ typedef unsigned long long u64;
    struct __attribute__((packed)) hdr { char c; int i; };
    int copy(char *__restrict dst, const char *__restrict src) __asm__("copy_impl");
    int use(void) { return fast(1) + (int)sizeof(u64); }
    """
    p = load_program(tree({"g.c": src}))
    assert p.functions["fast@g.c"].inline
    assert p.functions["use"].calls == {"fast@g.c"}


# --------------------------------------------------------------------------
# loops that never end
# --------------------------------------------------------------------------

LOOPS = """
int ready;
void serve(void) { for (;;) { ready++; } }
void poll_loop(void) { while (1) { if (ready) continue; } }
void spin(void) { do { ready--; } while (1); }
void breaks(void) { for (;;) { if (ready) break; } }
int returns(void) { while (1) { if (ready) return 1; } }
void inner_break(void) { for (;;) { switch (ready) { case 1: break; } while (ready) break; } }
void escapes(void) { for (;;) { if (ready) goto out; } out: ready = 0; }
void stays(void) { for (;;) { again: if (ready) goto again; } }
void bounded(void) { while (ready) ready--; }
"""


def test_loops_forever(tree):
    p = load_program(tree({"l.c": LOOPS}))
    forever = {k for k, f in p.functions.items() if f.loops_forever}
    assert forever == {"serve", "poll_loop", "spin", "inner_break", "stays"}


# loops left only on a global flag, or when an event wait fails (issue 10)
FLAG_LOOPS = """
#include <errno.h>
#include <pthread.h>
#include <sys/epoll.h>
struct conf { int quit; int max; } config;
volatile int stop;
int served;
void work(void);
void on_flag(void) { while (1) { work(); if (config.quit) return; } }
void while_not(void) { while (!config.quit) work(); }
void either(void) { for (;;) { work(); if (stop || config.quit) break; } }
int waits(int ep) { struct epoll_event ev[4];
                    for (;;) { int n = epoll_wait(ep, ev, 4, -1); if (n < 0 && errno != EINTR) return -1; work(); } }
void flag_or_wait(int ep) { struct epoll_event ev[4];
                            while (!stop) { if (epoll_wait(ep, ev, 4, 10) == -1) break; work(); } }
void local_counter(void) { int n = 0; while (1) { work(); if (++n > 10) return; } }
void written_here(void) { while (!stop) stop = served > 3; }
void counted(void) { while (served < config.max) served++; }
void param(int done) { while (1) { work(); if (done) return; } }
int count;
void wait_for_work(void) { while (count == 0) work(); }
void cond_wait(void *c, void *m) { while (!count) pthread_cond_wait(c, m); }
"""


def test_loops_left_only_on_a_flag_or_a_failed_wait(tree):
    p = load_program(tree({"g.c": FLAG_LOOPS}))
    exits = {k: f.loop_exit for k, f in p.functions.items() if f.loop_exit}
    assert exits == {"on_flag": "config.quit", "while_not": "config.quit", "either": "stop || config.quit",
                     "waits": "epoll_wait fails", "flag_or_wait": "stop or epoll_wait fails"}
    assert not any(f.loops_forever for f in p.functions.values())


# accept loops left only in the child they fork (vsftpd's vsf_standalone_main)
FORK_LOOPS = """
#include <unistd.h>
int accept_one(int s);
int fork_failok(void) { return fork(); }
int if_else(int s) { for (;;) { int c = accept_one(s); int child = fork_failok();
                                 if (child != 0) { close(c); } else { return c; } } }
int early_continue(int s) { for (;;) { int c = accept_one(s); pid_t pid = fork();
                                        if (pid != 0) { close(c); continue; } return c; } }
int direct(int s) { for (;;) { if (fork() == 0) return s; } }
int not_parent(int s) { pid_t pid; for (;;) { if (!(pid = fork())) return s; } }
int parent_fails(int s) { for (;;) { int c = accept_one(s); if (c < 0) return -1;
                                      if (fork() == 0) return c; } }
int reused(int s) { int r; char b[8]; for (;;) { r = fork(); if (r == 0) return 1;
                                                 r = (int)read(s, b, 8); if (r == 0) return 0; } }
"""


def test_loops_left_only_in_a_forked_child_are_forever(tree):
    p = load_program(tree({"f.c": FORK_LOOPS}))
    forever = {k for k, f in p.functions.items() if f.loops_forever}
    # parent_fails returns in the listener itself; reused's `r == 0` may be a read's
    assert forever == {"if_else", "early_continue", "direct", "not_parent"}


# --------------------------------------------------------------------------
# inputs, options and errors
# --------------------------------------------------------------------------

def test_tree_with_include_dir_and_define():
    p = load_program(DATA / "tree", include_dirs=["include"], defines=["GREETING=\"hello\""])
    assert p.files == ["src/conn.c", "src/main.c"]
    assert p.cflags == [f"-I{(DATA / 'tree' / 'include').resolve()}", '-DGREETING="hello"']
    assert p.types["struct conn"].coord.file == "include/shared.h"
    assert p.types["struct conn"].deps == {"struct sockaddr_storage", "typedef handler_fn"}   # not itself
    assert p.functions["new_conn"].writes == {"head@src/conn.c", "nconns"}
    assert p.functions["new_conn"].addr_taken == {"echo@src/conn.c"}
    assert p.functions["main"].calls == {"new_conn", "count_conns"}
    assert "GREETING" not in p.functions["main"].body_text and '"hello"' in p.functions["main"].body_text
    # system headers reached directly and through the program's own header, first-seen order
    assert p.system_includes["src/conn.c"] == ["stdlib.h", "sys/socket.h"]
    assert p.system_includes["src/main.c"] == ["stdio.h", "unistd.h", "sys/socket.h"]
    assert p.all_system_includes() == ["stdlib.h", "sys/socket.h", "stdio.h", "unistd.h"]


def test_error_directive_is_reported():
    with pytest.raises(SourceError, match=r"src/main\.c:6: #error GREETING must be defined"):
        load_program(DATA / "tree", include_dirs=["include"])


def test_if_evaluates_defined_that_a_macro_expands_to(tree):
    # as gcc does (redis' lzfP.h): `defined` from a macro tests the name as written,
    # even when that name is itself a macro (MINE would otherwise become `defined(1)`)
    root = tree({"a.c": "#define MINE 1\n"
                        "#define STRICT !(defined(MINE) || defined (YOURS))\n"
                        "#define HAVE_MINE defined MINE\n"
                        "#define HAVE(x) defined x\n"
                        "#if !STRICT && HAVE_MINE && !HAVE(YOURS)\nint loose;\n#endif\n"
                        "#if STRICT\nint strict;\n#endif\n"
                        "int defined_as_a_name = MINE;\n"})
    p = load_program(root, use_cache=False)
    assert set(p.globals) == {"loose", "defined_as_a_name"}
    assert p.globals["defined_as_a_name"].init_text == "1"


def test_missing_header_names_the_including_file_and_line(tree):
    root = tree({"inc/a.h": "#include <stdio.h>\n\n#include \"nothere.h\"\n", "m.c": "\n#include \"inc/a.h\"\nint x;\n"})
    with pytest.raises(SourceError) as e:
        load_program(root)
    assert e.value.file == "inc/a.h" and e.value.line == 3
    assert "nothere.h" in str(e.value)


def test_missing_system_header_is_an_error(tree):
    with pytest.raises(SourceError, match=r"m\.c:2: .*<no/such_header\.h>"):
        load_program(tree({"m.c": "int a;\n#include <no/such_header.h>\n"}))


def test_syntax_error_names_file_and_line(tree):
    with pytest.raises(SourceError) as e:
        load_program(tree({"m.c": "#include <stdio.h>\nint ok;\n\nint f(void)\n{\n    return 2 +;\n}\n"}))
    assert (e.value.file, e.value.line) == ("m.c", 6)


def test_syntax_error_in_a_header_maps_back_to_the_header(tree):
    root = tree({"h.h": "/* one */\nstruct s { int a };\nint oops(;\n", "m.c": "#include <stdio.h>\n#include \"h.h\"\n"})
    with pytest.raises(SourceError) as e:
        load_program(root)
    assert e.value.file == "h.h" and e.value.line in (2, 3)


def test_single_file_and_list_of_files(tree):
    root = tree({"one.c": "int one(void) { return 1; }\n", "two.c": "int two(void) { return 2; }\n"})
    p1 = load_program(root / "one.c")
    assert p1.files == ["one.c"] and set(p1.functions) == {"one"}
    p2 = load_program([root / "two.c", root / "one.c"])
    assert p2.files == ["two.c", "one.c"] and set(p2.functions) == {"one", "two"}


def test_compile_commands_json(tmp_path):
    src = tmp_path / "proj"
    shutil.copytree(DATA / "tree", src)
    build = src / "build"
    build.mkdir()
    entries = [
        {"directory": str(build), "file": "../src/main.c",
         "arguments": ["cc", "-c", "-I../include", "-DGREETING=\"cc\"", "-O2", "../src/main.c"]},
        {"directory": str(build), "file": str(src / "src" / "conn.c"),
         "command": "cc -c -I ../include -o conn.o ../src/conn.c"},
    ]
    (build / "compile_commands.json").write_text(json.dumps(entries))
    p = load_program(build / "compile_commands.json")
    assert p.files == ["main.c", "conn.c"]
    assert f"-I{(src / 'include').resolve()}" in p.cflags and '-DGREETING="cc"' in p.cflags
    assert p.functions["main"].calls == {"new_conn", "count_conns"}
    assert "head@conn.c" in p.globals


def test_bad_compile_commands(tmp_path):
    cc = tmp_path / "compile_commands.json"
    cc.write_text("{}")
    with pytest.raises(SourceError, match="compile_commands.json"):
        load_program(cc)


# --------------------------------------------------------------------------
# cache
# --------------------------------------------------------------------------

def _summary(p):
    return ({k: (t.text, t.system, t.deps, t.deps_by_value) for k, t in p.types.items()},
            {k: (g.type_text, g.init_text, g.extern_only, g.coord) for k, g in p.globals.items()},
            {k: (f.signature_text, f.body_text, f.calls, f.reads, f.writes, f.type_deps, f.coord,
                 f.loops_forever) for k, f in p.functions.items()},
            p.system_includes, p.enumerators, p.cflags, p.files)


def test_cache_hit_returns_the_same_program(monkeypatch):
    monkeypatch.setenv("POLUS_JOBS", "1")         # parse in this process, where the spy is
    args = dict(include_dirs=["include"], defines=['GREETING="x"'])
    cold = load_program(DATA / "tree", **args)
    calls = []
    from polusgen.frontend import loader
    real = loader._process_unit
    monkeypatch.setattr(loader, "_process_unit", lambda *a: calls.append(a) or real(*a))
    warm = load_program(DATA / "tree", **args)
    assert calls == []                                   # nothing was parsed again
    assert _summary(warm) == _summary(cold)
    assert warm.functions["main"].node.body is not None  # nodes survive the cache
    assert "GREETING" not in SourceGenerator().visit(warm.functions["main"].node)
    # another define is another key
    other = load_program(DATA / "tree", include_dirs=["include"], defines=['GREETING="y"'])
    assert len(calls) == 2 and '"y"' in other.functions["main"].body_text


def test_cache_sees_header_changes(tree):
    root = tree({"h.h": "struct s { int a; };\n", "m.c": '#include "h.h"\nstruct s v;\n'})
    assert "int a;" in load_program(root).types["struct s"].text
    (root / "h.h").write_text("struct s { long a; };\n")
    assert "long a;" in load_program(root).types["struct s"].text


def test_no_cache_writes_nothing(tree, tmp_path):
    root = tree({"m.c": "int x;\n"})
    load_program(root, use_cache=False)
    assert not any(fcache.cache_dir().rglob("*.pickle"))
    load_program(root)
    assert any(fcache.cache_dir().rglob("*.pickle"))


# --------------------------------------------------------------------------
# GNU C
# --------------------------------------------------------------------------

def test_layout_attributes_are_reported_when_dropped(tree):
    root = tree({
        "h.h": "struct __attribute__((packed)) wire { char c; int i; };\n",
        "a.c": '#include "h.h"\nint f(void) __attribute__((noreturn));\nstruct wire w1;\n',
        "b.c": '#include "h.h"\nstatic char pad[8] __attribute__((aligned(16)));\n',
    })
    p = load_program(root)
    got = sorted((w.code, str(w.coord)) for w in p.warnings)
    # once per place, however many TUs include it; harmless attributes say nothing
    assert got == [("attribute-dropped", "b.c:2"), ("attribute-dropped", "h.h:1")]
    assert any("packed" in w.message for w in p.warnings)


def test_thread_local_storage_survives(tree):
    p = load_program(tree({"t.c": "__thread int per_thread;\nstatic _Thread_local int t2;\n"}))
    assert "_Thread_local" in p.globals["per_thread"].node.storage
    assert p.globals["t2@t.c"].static


@pytest.mark.parametrize("code,what", [
    ("int f(int x) {\n  switch (x) { case 1 ... 3: return 1; }\n  return 0;\n}\n", "case range"),
    ("int a[4] = {\n  [0 ... 3] = 1 };\n", "range designator"),
    ("int f(int x) {\n  return x ?: 1;\n}\n", "?:"),
    ("int y;\n__typeof__(y) z;\n", "typeof"),
])
def test_unparseable_gnu_extensions_are_named(tree, code, what):
    from polusgen.errors import UnsupportedError
    with pytest.raises(UnsupportedError) as e:
        load_program(tree({"g.c": code}))
    assert e.value.file == "g.c" and e.value.line == 2 and what in e.value.message


def test_end_line_is_the_closing_brace(tree):
    src = "int f(void)\n{\n    /* } in a comment */\n    const char *s = \"}\";\n    return s[0] == '}';\n}\n\nint g(void) { return 0; }\n"
    p = load_program(tree({"e.c": src}))
    assert (p.functions["f"].coord.line, p.functions["f"].end_line) == (1, 6)
    assert (p.functions["g"].coord.line, p.functions["g"].end_line) == (8, 8)


def test_block_scope_extern_and_local_types(tree):
    src = ("int f(void)\n{\n    extern int later;\n    struct local { int a; } v = { 1 };\n"
           "    return later + v.a;\n}\nint later = 2;\n")
    p = load_program(tree({"b.c": src}))
    assert p.functions["f"].reads == {"later"}
    # a tag only a function body declares is part of that body, not a program type
    assert "struct local" not in p.types and p.functions["f"].type_deps == set()
    assert "struct local" in p.functions["f"].body_text


def test_every_dependency_names_a_program_type(tree):
    p = load_program(DATA / "tree", include_dirs=["include"], defines=["GREETING=\"x\""])
    deps = set()
    for t in p.types.values():
        deps |= t.deps | t.deps_by_value
    for g in p.globals.values():
        deps |= g.type_deps
    for f in p.functions.values():
        deps |= f.type_deps | f.sig_type_deps
    assert deps and deps <= set(p.types)


def test_array_members_of_globals_passed_to_functions_are_written(tree):
    src = """
    #include <string.h>
    typedef struct { char name[16]; int id; } rec_t;
    struct cfg { rec_t rec; char path[64]; int port; struct { char tag[4]; }; };
    struct cfg config;
    rec_t recs[4];
    void set(const char *p)
    {
        strcpy(config.path, p);          /* array member: written */
        strcpy(config.rec.name, p);      /* nested array member: written */
        strcpy(config.tag, p);           /* member of an anonymous struct */
        strcpy(recs[1].name, p);         /* array member of an array element */
    }
    int show(void) { return printf("%d %d", config.port, recs[0].id); }
    """
    p = load_program(tree({"c.c": src}))
    assert p.functions["set"].writes == {"config", "recs"}
    assert p.functions["show"].writes == set()
    assert p.functions["show"].reads == {"config", "recs"}


def test_parallel_and_serial_loads_agree(tree, monkeypatch):
    n = MIN_PARALLEL                          # enough files for worker processes
    files = {f"m{i}.c": f"static int n{i};\nint f{i}(void) {{ return n{i}++ + f{(i + 1) % n}(); }}\n" for i in range(n)}
    root = tree(files)
    monkeypatch.setenv("POLUS_JOBS", "2")
    par = load_program(root, use_cache=False)
    monkeypatch.setenv("POLUS_JOBS", "1")
    ser = load_program(root, use_cache=False)
    assert _summary(par) == _summary(ser)
    assert par.functions[f"f{n - 1}"].calls == {"f0"} and par.functions["f2"].writes == {"n2@m2.c"}


def test_error_in_a_worker_names_file_and_line(tree, monkeypatch):
    files = {f"m{i}.c": f"int f{i}(void) {{ return {i}; }}\n" for i in range(MIN_PARALLEL)}
    files["m3.c"] = "int f3(void)\n{\n  return 3 +;\n}\n"
    monkeypatch.setenv("POLUS_JOBS", "2")
    with pytest.raises(SourceError) as e:
        load_program(tree(files), use_cache=False)
    assert (e.value.file, e.value.line) == ("m3.c", 3)


def test_compile_commands_forced_include(tree):
    root = tree({
        "config.h": "#define PORT 2121\n#include <stdio.h>\n",
        "src/s.c": "#include <unistd.h>\nint port(void)\n{\n  return PORT;\n}\n",
    })
    (root / "compile_commands.json").write_text(json.dumps([
        {"directory": str(root), "file": "src/s.c", "arguments": ["cc", "-include", "config.h", "-c", "src/s.c"]}]))
    p = load_program(root / "compile_commands.json")
    f = p.functions["port"]
    assert "2121" in f.body_text and (f.coord.file, f.coord.line, f.end_line) == ("s.c", 2, 5)
    assert p.system_includes["s.c"] == ["stdio.h", "unistd.h"]
    i = p.cflags.index("-include")
    assert p.cflags[i + 1] == str((root / "config.h").resolve())


def test_system_prologue_keeps_feature_macros_before_their_includes(tree):
    root = tree({
        "big.h": "#define _FILE_OFFSET_BITS 64\n#include <sys/stat.h>\n",
        "a.c": "#include <limits.h>\n#define __USE_GNU\n#include <utmpx.h>\n#include \"big.h\"\n"
               "#define NOT_A_FEATURE 1\n#include <limits.h>\n",
        "b.c": "#define _GNU_SOURCE\n#include <stdio.h>\n",
    })
    p = load_program(root)
    assert p.system_prologue["a.c"] == ["#include <limits.h>", "#define __USE_GNU", "#include <utmpx.h>",
                                        "#define _FILE_OFFSET_BITS 64", "#include <sys/stat.h>"]
    assert p.system_includes["a.c"] == ["limits.h", "utmpx.h", "sys/stat.h"]
    assert p.all_system_prologue()[-2:] == ["#define _GNU_SOURCE", "#include <stdio.h>"]


def test_system_prologue_records_a_feature_macro_defined_again_after_its_undef(tree):
    root = tree({"a.c": "#include <stdio.h>\n#define __USE_GNU\n#include <utmpx.h>\n#undef __USE_GNU\n"
                        "#include <string.h>\n#define __USE_GNU\n#include <stdlib.h>\n"
                        "#define __USE_GNU\n#include <unistd.h>\n"})
    assert load_program(root).system_prologue["a.c"] == [
        "#include <stdio.h>", "#define __USE_GNU", "#include <utmpx.h>", "#undef __USE_GNU",
        "#include <string.h>", "#define __USE_GNU", "#include <stdlib.h>", "#include <unistd.h>"]


def test_headers_already_seen_through_a_system_header_still_count(tree):
    root = tree({"m.c": "#include <netinet/in.h>\n#include <sys/socket.h>\n#include <sys/types.h>\nint x;\n"})
    # <netinet/in.h> pulls <sys/socket.h> in itself, but the program names it too
    assert load_program(root).system_includes["m.c"] == ["netinet/in.h", "sys/socket.h", "sys/types.h"]


def test_positions_and_build_times_are_not_expanded(tree, tmp_path):
    body = "void where(void)\n{\n  log_at(__FILE__, __LINE__, __DATE__, __TIME__);\n}\n"
    a = load_program(tree({"w.c": "void log_at();\n" + body}, tmp_path / "a"))
    b = load_program(tree({"w.c": "void log_at();\n\n\n\n" + body}, tmp_path / "b"))
    assert a.functions["where"].body_text == b.functions["where"].body_text
    assert "log_at(__FILE__, __LINE__, __DATE__, __TIME__)" in a.functions["where"].body_text


def test_folder_skips_hidden_and_cmake_probe_folders(tree):
    root = tree({
        "src/app.c": "int main(void) { return 0; }\n",
        ".git/hooks/x.c": "int main(void) { return 1; }\n",
        "build/CMakeFiles/3.25/CompilerIdC/CMakeCCompilerId.c": "int main(void) { return 2; }\n",
    })
    assert load_program(root).files == ["src/app.c"]


def test_other_libraries_headers_are_system_and_never_hide_the_fake_libc(tree):
    root = tree({
        "lib/include/mylib.h": "#include <stdio.h>\ntypedef struct mylib_ctx { FILE *log; int level; } mylib_ctx;\n"
                               "extern int mylib_debug;\nint mylib_init(mylib_ctx *c);\n",
        # a real libc header in the library's folder: unparseable for pycparser
        "lib/include/stdio.h": "#error the fake <stdio.h> must be found first\n",
        "app/main.c": "#include <mylib.h>\n#include <stdio.h>\nmylib_ctx ctx;\n"
                      "int main(void) { mylib_debug = 1; return mylib_init(&ctx); }\n",
    })
    lib = root / "lib" / "include"
    (root / "compile_commands.json").write_text(json.dumps([{
        "directory": str(root), "file": "app/main.c",
        "arguments": ["cc", "-isystem", str(lib), "-c", "app/main.c"]}]))
    p = load_program(root / "compile_commands.json")
    ctx = p.types["typedef mylib_ctx"]
    assert ctx.system and ctx.coord.file == "mylib.h"
    assert p.types["struct mylib_ctx"].system
    assert set(p.globals) == {"ctx"} and set(p.functions) == {"main"}   # the library's are not the program's
    assert p.system_includes["main.c"] == ["mylib.h", "stdio.h"]
    assert f"-isystem{lib.resolve()}" in p.cflags


def test_one_tag_defined_differently_in_two_c_files_gives_two_types(tree):
    root = tree({
        "h.h": "struct shared { int a; };\n",
        "a.c": '#include "h.h"\nstruct param { int x; };\nstatic struct param pa;\n'
               "int fa(struct param *p) { return p->x; }\n",
        "b.c": '#include "h.h"\nstruct param { long y; char z; };\nstatic struct param pb;\n'
               "int fb(struct param *p) { return (int)p->y; }\nstruct shared s;\n",
        "c.c": "struct param;\nstruct param *opaque;\n",
    })
    p = load_program(root)
    # c.c only names the tag: that stays the plain key, incomplete
    assert p.types["struct param"].text == "struct param"
    assert p.globals["opaque"].type_deps == {"struct param"}
    assert "long y;" in p.types["struct param@b.c"].text and "int x;" in p.types["struct param@a.c"].text
    assert p.types["struct param@b.c"].name == "param"
    assert p.globals["pb@b.c"].type_deps == {"struct param@b.c"}
    assert p.functions["fa"].sig_type_deps == {"struct param@a.c"}
    assert p.types["struct shared"].coord.file == "h.h"
    assert not [w for w in p.warnings if w.code == "type-conflict"]


def test_one_header_read_two_ways_is_a_warning(tree):
    root = tree({
        "h.h": "struct cfg { FIELD_TYPE v; };\n",
        "a.c": "#define FIELD_TYPE int\n#include \"h.h\"\nstruct cfg ca;\n",
        "b.c": "#define FIELD_TYPE long\n#include \"h.h\"\nstruct cfg cb;\n",
    })
    p = load_program(root)
    (w,) = [w for w in p.warnings if w.code == "type-conflict"]
    assert "struct cfg" in w.message and "a.c" in w.message and "b.c" in w.message
    assert "int v;" in p.types["struct cfg"].text


def test_asm_statements_survive_and_asm_labels_are_reported(tree):
    src = ("int counter;\n"
           "void barrier(void *p)\n{\n"
           "#ifdef __GNUC__\n"
           "    __asm__ __volatile__(\"\" : : \"r\"(p) : \"memory\");\n"
           "#endif\n"
           "    asm volatile (\"nop\\n\\t\"\n"
           "                  \"nop\");\n"
           "    counter++;\n}\n"
           "int renamed(void) __asm__(\"other_name\");\n"
           "int after(void) { return counter; }\n")
    p = load_program(tree({"a.c": src}))
    body = p.functions["barrier"].body_text
    assert '__asm__ __volatile__("" : : "r"(p) : "memory");' in body
    assert 'asm volatile ("nop\\n\\t"\n                  "nop");' in body
    assert p.functions["barrier"].writes == {"counter"}
    # lines after a multi-line asm statement keep their numbers
    assert (p.functions["barrier"].end_line, p.functions["after"].coord.line) == (10, 12)
    (w,) = [w for w in p.warnings if w.code == "asm-label-dropped"]
    assert str(w.coord) == "a.c:11"


def test_a_knr_definition_reads_as_its_prototype(tree):
    root = tree({"k.c": "double half(x, n) float x; { return x / n; }\nint main(void) { return half(1.0, 2) > 1; }\n"})
    p = load_program(root, use_cache=False)
    f = p.functions["half"]
    assert f.signature_text == "double half(float, int)"
    assert SourceGenerator().visit(f.node.decl) == "double half(float x, int n)"
    [w] = [w for w in p.warnings if w.code == "knr-float-param"]
    assert "half" in w.message and w.coord.line == 1


def test_every_failing_file_is_reported_in_one_run(tree):
    from polusgen.errors import SourceErrors

    files = {f"m{i}.c": f"int f{i}(void) {{ return {i}; }}\n" for i in range(5)}
    files["m1.c"] = "int f1(void)\n{\n  return 1 +;\n}\n"
    files["m3.c"] = '#include "gone.h"\n'
    with pytest.raises(SourceErrors) as e:
        load_program(tree(files), use_cache=False)
    text = str(e.value)
    assert text.startswith("2 of 5 translation units failed")
    assert "m1.c:3:" in text and 'm3.c:1: header "gone.h" not found' in text


def test_compile_commands_iquote_undefine_and_std(tree):
    root = tree({
        "q/conf.h": "#define FROM_QUOTE 1\n",
        "src/s.c": '#include "conf.h"\n#ifdef FROM_QUOTE\nint quoted;\n#endif\n#ifdef GONE\nint gone;\n#endif\n'
                   "#if __STDC_VERSION__ == 199901L && defined(__STRICT_ANSI__)\nint c99;\n#endif\n",
    })
    (root / "compile_commands.json").write_text(json.dumps([{
        "directory": str(root), "file": "src/s.c",
        "arguments": ["cc", "-iquote", "q", "-DGONE", "-UGONE", "-std=c99", "-c", "src/s.c"]}]))
    p = load_program(root / "compile_commands.json", use_cache=False)
    assert set(p.globals) == {"quoted", "c99"}
    assert {f"-iquote{(root / 'q').resolve()}", "-UGONE", "-std=c99"} <= set(p.cflags)
    # -iquote folders serve #include "x" only, as with gcc
    (root / "src/s.c").write_text("#include <conf.h>\n")
    with pytest.raises(SourceError, match="<conf.h> not found"):
        load_program(root / "compile_commands.json", use_cache=False)


def test_a_c_file_another_one_includes_is_not_a_translation_unit(tree):
    root = tree({"main.c": 'typedef struct st { int n; } st;\n#include "impl/get.c"\n'
                           "int main(void) { st s = {1}; return get(&s) - 1; }\n",
                 "impl/get.c": "static int get(st *s) { return s->n; }\n"})
    p = load_program(root)
    assert p.files == ["main.c"] and set(p.functions) == {"get@main.c", "main"}
    (root / "impl/get.c").write_text("static int get(st *s) { return s->n + 1; }\n")
    assert "+ 1" in load_program(root).functions["get@main.c"].body_text     # not a stale cache entry


def test_if_takes_long_long_suffixes(tree):
    root = tree({"a.c": "#define BIG 0x7fffffffffffffffULL\n"
                        "#if (0x7fffffffffffffffLL == 0x7fffffffffffffffLL) && BIG > 1 && 10ull == 10\n"
                        "long long yes = 5LL;\n#endif\n"})
    p = load_program(root, use_cache=False)
    assert set(p.globals) == {"yes"} and p.globals["yes"].init_text == "5LL"


def test_c_library_and_compiler_headers_without_a_stand_in_are_read_as_the_compiler_reads_them(tree):
    root = tree({"a.c": "#include <arpa/nameser.h>\n#include <float.h>\n"
                        "#if DBL_MANT_DIG >= 52\nint packet(void) { return NS_PACKETSZ; }\n#endif\n"})
    p = load_program(root, use_cache=False)
    assert set(p.functions) == {"packet"} and "512" in p.functions["packet"].body_text
    assert p.system_includes["a.c"] == ["arpa/nameser.h", "float.h"]
