"""The frontend: C sources -> one merged `Program` per version.

    load_program(source, include_dirs=(), defines=(), use_cache=True) -> Program

`source` is a folder (every *.c below it, hidden folders and CMakeFiles
skipped), a .c file, a list of .c files or a compile_commands.json (each
entry's -I/-D/-include/-isystem, relative to its "directory").  include_dirs
are relative to the version root (or absolute); the root itself is always
searched last.

Each translation unit is preprocessed with pcpp against polusgen's fake libc
headers (fake_libc_include/README.md: names, never values), parsed with
pycparser (each header once for all the TUs that include it the same way:
polusgen.frontend.segments), and reduced to its types, globals and functions, with every
identifier of every body resolved by C scoping.  The TUs are then merged:
statics keyed "name@file", extern-only globals flagged, duplicate external
definitions refused, a tag defined differently in two .c files kept twice
("struct S@file.c").  Errors are polusgen.errors.SourceError (or
UnsupportedError) naming the file and line.

Cache: each TU's result is pickled under $POLUS_CACHE_DIR (default
~/.cache/polusgen), keyed by its text, every header of the version tree, the
fake headers, the options and the frontend's code.  Cold loads of many TUs
parse them in $POLUS_JOBS worker processes (default: one per core).

Canonical texts (what the diff compares) are printed by
polusgen.csyntax.cgen, which the patch's code is printed by too.
"""
from .loader import load_program

__all__ = ["load_program"]
