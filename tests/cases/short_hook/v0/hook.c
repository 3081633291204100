/* Without its feature the hook does nothing: gcc -O2 (without
 * -fcf-protection) makes it a lone `ret`, shorter than the jump that would
 * redirect it, so its caller carries the change (checked in the binary built
 * from v0). */
void hook(int *p)
{
    (void) p;
}
