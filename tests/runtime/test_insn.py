"""The store emulator's decoder and executor (runtime/rt_insn.c) on every
store form it supports: each instruction is assembled by gcc, decoded and
executed on a saved register set and a memory buffer, then run on the CPU
from the same state; the two resulting states (flags, registers, xmm
registers, memory) must be the same.  Forms it must refuse are refused.

The harness (insn_harness.c) sets rbx = MEM, r13 = MEM+8, rsi = MEM+32,
rbp = MEM+64, rcx = 2, r12 = 3, r9 = MEM/2; rip-relative operands reach
MEM+k as 1024+k(%rip); the memory holds byte i = i*37+11.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from polusgen.resources import runtime_dir
from tests.support.build import gcc, needs_gcc

HERE = Path(__file__).resolve().parent


def mem_bytes(off: int, n: int) -> int:
    """The harness's initial memory at MEM+off, n bytes, little-endian."""
    return int.from_bytes(bytes((i * 37 + 11) & 0xFF for i in range(off, off + n)), "little")


CF = "s->flags |= 1;"

# name: (AT&T text, C run before it on the initial state `s`)
STORES = {
    # MOV r/m, r and r/m, imm
    "mov_r8": ("movb %al, (%rbx)", ""),
    "mov_ah": ("movb %ah, 1(%rbx)", ""),
    "mov_dil_rex": ("movb %dil, 2(%rbx)", ""),
    "mov_r16": ("movw %dx, 4(%rbx)", ""),
    "mov_r32_sib": ("movl %edx, 8(%rbx,%rcx,4)", ""),
    "mov_r64_disp8_neg": ("movq %r8, -8(%rsi)", ""),
    "mov_r64_rex_index": ("movq %rax, 16(%rbx,%r12,8)", ""),
    "mov_r13_base": ("movl %r10d, (%r13)", ""),
    "mov_rbp_base": ("movq %rdx, 8(%rbp)", ""),
    "mov_disp32": ("movl %r11d, 0x60(%rbx)", ""),
    "mov_sib_no_base": ("movl %eax, 0x10(,%r9,2)", ""),
    "mov_rip": ("movl %eax, 1044(%rip)", ""),
    "mov_imm8": ("movb $0x7f, 3(%rbx)", ""),
    "mov_imm16": ("movw $0x1234, 6(%rbx)", ""),
    "mov_imm32": ("movl $0x89abcdef, 12(%rbx)", ""),
    "mov_imm32_sext64": ("movq $-5, 24(%rbx)", ""),
    "mov_imm_rip": ("movl $7, 1048(%rip)", ""),
    # ALU r/m, r
    "add_r32": ("addl %eax, (%rbx)", ""),
    "or_dh": ("orb %dh, 5(%rbx)", ""),
    "adc_r64_cf": ("adcq %rdx, 8(%rbx)", CF),
    "sbb_r16_cf": ("sbbw %ax, 10(%rbx)", CF),
    "and_r32_rex": ("andl %r11d, 12(%rbx)", ""),
    "sub_r64_rex": ("subq %r14, 16(%rbx)", ""),
    "xor_r8_rex": ("xorb %r15b, 20(%rbx)", ""),
    "sub_to_zero": ("subl %eax, 28(%rbx)", f"s->r[0] = {mem_bytes(28, 4):#x};"),
    # ALU r/m, imm
    "add_imm32": ("addl $1000, 24(%rbx)", ""),
    "add_imm8_sext64": ("addq $-3, 32(%rbx)", ""),
    "or_imm16": ("orw $0x5555, 36(%rbx)", ""),
    "or_imm8_sext16": ("orw $-1, 38(%rbx)", ""),
    "and_imm8": ("andb $0x0f, 40(%rbx)", ""),
    "sub_imm8": ("subl $5, 44(%rbx)", ""),
    "xor_imm32_64": ("xorq $0x12345678, 48(%rbx)", ""),
    "adc_imm8_cf": ("adcl $1, 52(%rbx)", CF),
    "sbb_imm8_byte_cf": ("sbbb $1, 53(%rbx)", CF),
    "add_imm_rip": ("addb $3, 1030(%rip)", ""),
    # locked read-modify-writes
    "lock_add": ("lock addl %eax, (%rbx)", ""),
    "lock_or_imm": ("lock orq $1, 8(%rbx)", ""),
    "lock_sub_imm16": ("lock subw $2, 4(%rbx)", ""),
    "lock_inc": ("lock incl 12(%rbx)", ""),
    "lock_dec": ("lock decq 16(%rbx)", ""),
    "lock_xadd": ("lock xaddl %eax, 20(%rbx)", ""),
    "lock_cmpxchg_equal": ("lock cmpxchgl %edx, 24(%rbx)", f"s->r[0] = {mem_bytes(24, 4):#x};"),
    # INC/DEC (CF kept)
    "inc_byte": ("incb 1(%rbx)", CF),
    "dec_word": ("decw 2(%rbx)", ""),
    "inc_long_cf": ("incl 4(%rbx)", CF),
    "dec_quad": ("decq 8(%rbx)", ""),
    "dec_to_zero": ("decb 7(%rbx)", ""),
    # XCHG XADD CMPXCHG
    "xchg_r32": ("xchgl %eax, (%rbx)", ""),
    "xchg_ah": ("xchgb %ah, 3(%rbx)", ""),
    "xchg_r64_rex": ("xchgq %r8, 8(%rbx)", ""),
    "xchg_r16": ("xchgw %dx, (%rsi)", ""),
    "xadd_byte": ("xaddb %al, (%rbx)", ""),
    "xadd_quad": ("xaddq %rdx, 8(%rbx)", ""),
    "cmpxchg_equal": ("cmpxchgl %edx, (%rbx)", f"s->r[0] = {mem_bytes(0, 4):#x};"),
    "cmpxchg_differ": ("cmpxchgl %edx, 4(%rbx)", ""),
    "cmpxchg_byte_equal": ("cmpxchgb %dl, (%rbx)", f"s->r[0] = {mem_bytes(0, 1):#x};"),
    "cmpxchg_quad_differ": ("cmpxchgq %r8, 8(%rbx)", ""),
    "cmpxchg_ah_differ": ("cmpxchgb %ah, 2(%rbx)", ""),
    # SSE stores from an xmm register
    "movups": ("movups %xmm1, (%rbx)", ""),
    "movupd_rex": ("movupd %xmm9, 16(%rbx)", ""),
    "movaps": ("movaps %xmm2, 32(%rbx)", ""),
    "movapd": ("movapd %xmm3, 48(%rbx)", ""),
    "movntps": ("movntps %xmm4, (%rbx)", ""),
    "movntpd": ("movntpd %xmm5, 16(%rbx)", ""),
    "movss": ("movss %xmm6, 4(%rbx)", ""),
    "movsd": ("movsd %xmm7, 8(%rbx)", ""),
    "movlps": ("movlps %xmm8, 12(%rbx)", ""),
    "movlpd": ("movlpd %xmm10, 20(%rbx)", ""),
    "movhps": ("movhps %xmm11, 24(%rbx)", ""),
    "movhpd": ("movhpd %xmm12, 32(%rbx)", ""),
    "movdqa": ("movdqa %xmm13, 48(%rbx)", ""),
    "movdqu": ("movdqu %xmm14, (%rsi)", ""),
    "movntdq": ("movntdq %xmm15, 16(%rbx)", ""),
    "movq_d6": ("movq %xmm1, 40(%rbx)", ""),
    "movd_7e": ("movd %xmm2, 44(%rbx)", ""),
    "movq_7e_rexw": (".byte 0x66, 0x48, 0x0f, 0x7e, 0x5b, 0x08", ""),     # movq %xmm3, 8(%rbx)
    "movups_rip": ("movups %xmm1, 1056(%rip)", ""),
}

REFUSED = {
    "cmp_r": "cmpl %eax, (%rbx)",
    "cmp_imm": "cmpl $1, (%rbx)",
    "load": "movl (%rbx), %eax",
    "register_dest": "movl %eax, %ebx",
    "alu_register_dest": "addl %eax, %ebx",
    "inc_register": "incl %eax",
    "call_indirect": "call *(%rbx)",
    "jmp_indirect": "jmp *(%rbx)",
    "push_mem": "pushq (%rbx)",
    "bit_test_and_set": "btsl $1, (%rbx)",
    "rep_stos": "rep stosb",
    "movs": "movsb",
    "avx_store": "vmovdqu %ymm0, (%rbx)",
    "segment_override": "movl %eax, %fs:(%rbx)",
    "setcc": "setz (%rbx)",
    "movnti": "movnti %eax, (%rbx)",
    "lock_mov": ".byte 0xf0, 0x89, 0x03",
    "lock_sse": ".byte 0xf0, 0x0f, 0x11, 0x03",
    "rep_xadd": ".byte 0xf3, 0x0f, 0xc1, 0x03",
    "rep_mov": ".byte 0xf3, 0x89, 0x03",
    "mov_imm_bad_reg": ".byte 0xc6, 0x0b, 0x01",
    "too_many_prefixes": ".byte 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89, 0x03",
    "movdqa_without_66": ".byte 0x0f, 0x7f, 0x03",
}


def cases_inc() -> str:
    names = list(STORES) + list(REFUSED)
    out = []
    for i, name in enumerate(names):
        text = STORES[name][0] if name in STORES else REFUSED[name]
        out.append(f'__asm__(".pushsection .rodata\\n.globl c{i}_s, c{i}_e\\nc{i}_s:\\n\\t{text}\\nc{i}_e:\\n.popsection");')
        out.append(f"extern const unsigned char c{i}_s[], c{i}_e[];")
    out.append("static const struct tcase cases[] = {")
    out += [f'    {{"{n}", c{i}_s, c{i}_e}},' for i, n in enumerate(names)]
    out.append("};")
    out.append(f"#define NCASES {len(names)}")
    out.append("static void setup(int i, struct state *s, uint64_t mem)\n{\n    (void)mem;\n    switch (i) {")
    for i, name in enumerate(names):
        if name in STORES and STORES[name][1]:
            out.append(f"    case {i}: {STORES[name][1]} break;")
    out.append("    default: break;\n    }\n}")
    return "\n".join(out) + "\n"


def parse(out: str) -> dict[str, dict]:
    res: dict[str, dict] = {}
    last = ""
    for line in out.splitlines():
        head, _, rest = line.partition(" ")
        if head in ("emulated", "cpu"):
            res[last][head] = dict(kv.split("=", 1) for kv in rest.split())
            continue
        last = head
        r = res.setdefault(head, {})
        if rest == "refused":
            r["refused"] = True
        else:
            r.update(dict(kv.split("=", 1) for kv in rest.split() if "=" in kv))
    return res


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, dict]:
    d = tmp_path_factory.mktemp("insn")
    (d / "insn_cases.inc").write_text(cases_inc())
    exe = d / "insn_harness"
    gcc("-O1", "-Wall", "-Werror", f"-I{runtime_dir()}", f"-I{d}", HERE / "insn_harness.c",
        runtime_dir() / "rt_insn.c", "-o", exe)
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return parse(r.stdout)


@needs_gcc
@pytest.mark.parametrize("name", list(STORES))
def test_a_store_is_emulated_as_the_cpu_does_it(results, name):
    r = results[name]
    assert not r.get("refused"), f"{STORES[name][0]} was refused"
    assert r["len"] == r["bytes"], "decoded length"
    assert r["done"] == "1" and r["pc"] == r["len"]
    assert 0 <= int(r["ea"]) < 128, "the store's address is in the buffer"
    emulated, cpu = r["emulated"], r["cpu"]
    assert {k: v for k, v in emulated.items() if cpu[k] != v} == {}, {k: cpu[k] for k in cpu if emulated[k] != cpu[k]}


@needs_gcc
def test_the_stores_change_what_they_should(results):
    """The comparison is not vacuous: memory, registers and flags all move."""
    base = bytes((i * 37 + 11) & 0xFF for i in range(128)).hex()
    assert all(results[n]["cpu"]["mem"] != base for n in ("mov_r64_rex_index", "movups", "lock_add", "xadd_quad"))
    assert results["cmpxchg_differ"]["cpu"]["mem"] == base                     # a failed cmpxchg writes nothing
    assert results["cmpxchg_differ"]["cpu"]["r0"] == f"{mem_bytes(4, 4):x}"     # eax gets memory, upper half 0
    assert results["xchg_r32"]["cpu"]["r0"] == f"{mem_bytes(0, 4):x}"
    assert int(results["sub_to_zero"]["cpu"]["flags"], 16) & 0x40               # ZF
    assert int(results["inc_long_cf"]["cpu"]["flags"], 16) & 1                  # INC keeps CF
    assert re.fullmatch(r"[0-9a-f]+", results["movhps"]["cpu"]["mem"])


@needs_gcc
@pytest.mark.parametrize("name", list(REFUSED))
def test_other_forms_are_refused(results, name):
    assert results[name].get("refused"), f"{REFUSED[name]} was decoded: {results[name]}"
