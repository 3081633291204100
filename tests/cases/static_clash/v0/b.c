static int count;

static void bump(void)
{
    count += 1;
}

void tick_b(void)
{
    bump();
}

int main(void)
{
    tick_b();
    return 0;
}
