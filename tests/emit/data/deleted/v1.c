/* v1 deletes the global `hits` and counts in a new member of `st` instead. */
struct st { int a; long hits; };
struct st st;

void hit(void)
{
    st.hits++;
    st.a++;
}
