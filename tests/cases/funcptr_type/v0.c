/* A struct of callbacks whose parameter type changed. */
struct msg { int code; };
struct ops { void (*on_msg)(struct msg *m); int (*count)(void); };
typedef void (*handler_fn)(struct msg *);
typedef int (*counter_fn)(void);

int received;

void on_msg(struct msg *m)
{
    received += m->code;
}

int count(void)
{
    return received;
}

struct ops table = { on_msg, count };
counter_fn counter = count;
