/* polus_transfer_land: where a never-left activation leaves the old code.
 *
 * Entered by the `ret` of a callee whose return address the injector replaced
 * with a patch's per-point entry (which put that point's transfer function in
 * %r11).  The callee-saved registers still hold the old function's values and
 * %rsp is the old frame's stack pointer after the call.  The registers go into
 * a struct polus_xfer_frame on the stack; the transfer function gathers the
 * old variables, replaces the callee-saved registers by the caller's (from
 * the old frame's CFI), fills out_rsp and runs the resume entry.  The old
 * frame stays allocated under it (variables used in place live there).  When
 * the resume entry returns, the thread returns to the old function's caller.
 *
 * The unwind information below lets a backtrace (and pthread_cancel) go
 * through the landing to the old function's caller while the resume entry
 * runs: CFA = out_rsp + 8, the caller's registers in the struct. */
#include "polus.h"

__asm__(
    ".text\n"
    ".globl polus_transfer_land\n"
    ".type polus_transfer_land, @function\n"
    ".p2align 4\n"
    "polus_transfer_land:\n"
    "    .cfi_startproc\n"
    "    .cfi_undefined rip\n"
    "    subq $96, %rsp\n"
    "    movq %rax, 0(%rsp)\n"
    "    movq %rdx, 8(%rsp)\n"
    "    movq %rbx, 16(%rsp)\n"
    "    movq %rbp, 24(%rsp)\n"
    "    movq %r12, 32(%rsp)\n"
    "    movq %r13, 40(%rsp)\n"
    "    movq %r14, 48(%rsp)\n"
    "    movq %r15, 56(%rsp)\n"
    "    leaq 96(%rsp), %rax\n"
    "    movq %rax, 64(%rsp)\n"
    "    movq %rax, 72(%rsp)\n"
    "    movq %rsp, %rdi\n"
    /* CFA = *(rsp + 72) + 8; return address at CFA - 8; the caller's
     * callee-saved registers in the struct (written before the resume entry runs) */
    "    .cfi_escape 0x0f, 6, 0x77, 0xc8, 0x00, 0x06, 0x23, 0x08\n"
    "    .cfi_offset rip, -8\n"
    "    .cfi_escape 0x10, 3, 2, 0x77, 16\n"
    "    .cfi_escape 0x10, 6, 2, 0x77, 24\n"
    "    .cfi_escape 0x10, 12, 2, 0x77, 32\n"
    "    .cfi_escape 0x10, 13, 2, 0x77, 40\n"
    "    .cfi_escape 0x10, 14, 2, 0x77, 48\n"
    "    .cfi_escape 0x10, 15, 2, 0x77, 56\n"
    "    call *%r11\n"
    "    movq 8(%rsp), %rdx\n"
    "    movq 16(%rsp), %rbx\n"
    "    movq 24(%rsp), %rbp\n"
    "    movq 32(%rsp), %r12\n"
    "    movq 40(%rsp), %r13\n"
    "    movq 48(%rsp), %r14\n"
    "    movq 56(%rsp), %r15\n"
    "    movq 0(%rsp), %rax\n"
    "    movq 72(%rsp), %rsp\n"
    "    ret\n"
    "    .cfi_endproc\n"
    ".size polus_transfer_land, .-polus_transfer_land\n");
