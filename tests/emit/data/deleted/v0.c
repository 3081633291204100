/* v1 deletes the global `hits` and counts in a new member of `st` instead. */
struct st { int a; };
struct st st;
long hits;

void hit(void)
{
    hits++;
    st.a++;
}
