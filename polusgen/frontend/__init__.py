"""The frontend: C sources -> one merged `Program` per version.

    load_program(source, include_dirs=(), defines=(), use_cache=True) -> Program

`source` is a folder (every *.c below it), a .c file, a list of .c files or a
compile_commands.json.  Sources are preprocessed with pcpp against polusgen's
fake libc headers (fake_libc_include/README.md), parsed with pycparser, and
each translation unit's types, globals and functions are merged.
`SourceGenerator` prints nodes back as C, undoing the fake headers' rewrites.
"""
from .cgen import SourceGenerator, generate
from .loader import load_program

__all__ = ["load_program", "SourceGenerator", "generate"]
