"""The runtime's structures that the injector writes into or reads from the
target, declared once here as ctypes structures.

Each names its C declaration (C_NAME, in runtime/polus.h unless C_HEADER
says otherwise); tests/inject/test_abi_structs.py compiles a small C program
against the runtime's headers and fails if a size, an offset or a field
differs.  Add a structure here (and to STRUCTS) before the injector reads or
writes it.
"""
from __future__ import annotations

import ctypes

from polusgen.inject.ptrace import SEGV_ACCERR, SIGINFO_SIZE, Regs, SigInfoHead
from polusgen.manifest import ABI_VERSION

# the runtime's constants the injector relies on: C macro -> value
SCRATCH_SIZE = 1 << 16       # polus_rt_scratch
JUMP_BYTES = 32              # one jump's room in polus_rt_commit's codes, and in a redirect note
MAX_SEGMENTS = 4            # a patch library's writable segments polus_rt_fresh_data() takes
CONSTANTS = {"POLUS_RT_SCRATCH_SIZE": SCRATCH_SIZE, "POLUS_ABI_VERSION": ABI_VERSION,
             "RT_REDIRECT_BYTES": JUMP_BYTES, "POLUS_RT_MAX_SEGMENTS": MAX_SEGMENTS,
             # the kernel's, that ptrace.py reads signals with
             "sizeof(siginfo_t)": SIGINFO_SIZE, "SEGV_ACCERR": SEGV_ACCERR}


class PolusImport(ctypes.Structure):
    """One slot of a patch's polus_imports[]: where an old symbol is, and its size."""
    C_NAME = "struct polus_import"
    _fields_ = [("addr", ctypes.c_uint64), ("size", ctypes.c_uint64)]


class RedirectNote(ctypes.Structure):
    """What one jump overwrote, for polus_rt_note_redirects()."""
    C_NAME = "struct polus_rt_redirect_note"
    _fields_ = [("at", ctypes.c_uint64), ("target", ctypes.c_uint64), ("len", ctypes.c_uint32),
                ("pad", ctypes.c_uint32), ("orig", ctypes.c_ubyte * JUMP_BYTES)]

    @classmethod
    def of(cls, at: int, target: int, orig: bytes) -> "RedirectNote":
        if len(orig) > cls.orig.size:
            raise ValueError(f"a jump overwrites at most {cls.orig.size} bytes, not {len(orig)}")
        note = cls(at, target, len(orig), 0)
        ctypes.memmove(note.orig, orig, len(orig))     # every byte: code holds NULs
        return note


class Segment(ctypes.Structure):
    """A patch library's writable segment, for polus_rt_fresh_data()."""
    C_NAME = "struct polus_rt_segment"
    _fields_ = [("at", ctypes.c_uint64), ("len", ctypes.c_uint64)]


class ParkGate(ctypes.Structure):
    """polus_rt_park_gate: the generation of the threads parked for a switch,
    how many there are, and (fault injection only) the switch's hold."""
    C_NAME = "struct polus_rt_park_gate"
    _fields_ = [("gen", ctypes.c_uint64), ("nthreads", ctypes.c_int32), ("hold_ms", ctypes.c_uint32)]


class StackT(ctypes.Structure):
    """stack_t: a signal stack."""
    C_NAME = "stack_t"
    _fields_ = [("ss_sp", ctypes.c_uint64), ("ss_flags", ctypes.c_int32), ("ss_size", ctypes.c_uint64)]


SIGCONTEXT_REGS = ("r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rdi", "rsi", "rbp", "rbx", "rdx",
                    "rax", "rcx", "rsp", "rip", "eflags")


class SigContext(ctypes.Structure):
    """The kernel's struct sigcontext (x86_64): the registers a signal frame
    restores.  glibc names the ss slot (used with UC_SIGCONTEXT_SS) __pad0."""
    C_NAME = "struct sigcontext"
    C_FIELDS = {"ss": "__pad0", "reserved1": "__reserved1"}
    _fields_ = ([(r, ctypes.c_uint64) for r in SIGCONTEXT_REGS]
                + [("cs", ctypes.c_uint16), ("gs", ctypes.c_uint16), ("fs", ctypes.c_uint16), ("ss", ctypes.c_uint16),
                   ("err", ctypes.c_uint64), ("trapno", ctypes.c_uint64), ("oldmask", ctypes.c_uint64),
                   ("cr2", ctypes.c_uint64), ("fpstate", ctypes.c_uint64), ("reserved1", ctypes.c_uint64 * 8)])


class UContext(ctypes.Structure):
    """The kernel's struct ucontext: glibc's ucontext_t up to uc_sigmask, which
    is the kernel's 8-byte mask (glibc's sigset_t is 128 bytes, and more follows)."""
    C_NAME = "ucontext_t"
    C_PREFIX = True          # only the offsets and the sizes of the fields before the last are the kernel's
    _fields_ = [("uc_flags", ctypes.c_uint64), ("uc_link", ctypes.c_uint64), ("uc_stack", StackT),
                ("uc_mcontext", SigContext), ("uc_sigmask", ctypes.c_uint64)]


class SigFrame(ctypes.Structure):
    """The start of the kernel's struct rt_sigframe (x86_64) that rt_sigreturn
    reads: the return address the handler returns to, then the ucontext
    (the siginfo after it is not read back)."""
    _fields_ = [("pretcode", ctypes.c_uint64), ("uc", UContext)]


# the kernel's register set, as PTRACE_GETREGS fills it (declared in ptrace.py)
Regs.C_NAME = "struct user_regs_struct"
Regs.C_HEADER = "sys/user.h"
# the head of a siginfo_t, as PTRACE_GETSIGINFO fills it (declared in ptrace.py)
SigInfoHead.C_NAME = "siginfo_t"
SigInfoHead.C_PREFIX = True

STRUCTS: tuple[type[ctypes.Structure], ...] = (PolusImport, RedirectNote, Segment, ParkGate, Regs, StackT,
                                               SigContext, UContext, SigInfoHead)


def pack(structs) -> bytes:
    """The bytes of consecutive structures, as a C array of them."""
    return b"".join(bytes(s) for s in structs)
