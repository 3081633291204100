int ok(void)
{
    return 1;
}

int broken(void)
{
    return 2 +;
}
