/* `hits` is declared in a block: the file-scope `hits` of main.c, not a local */
int answer(void)
{
    extern int hits;
    return hits * 10;
}
