/* the function bench/bench_apply.py redirects; its v1 adds 0 (same work) */
__attribute__((noinline)) long step(long x) { return x * 3 + (x >> 3) + 1; }
