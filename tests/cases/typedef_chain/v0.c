/* A chain of typedefs over a changed struct: every link changes. */
struct conf { int port; };
typedef struct conf conf_t;
typedef conf_t settings_t;
typedef settings_t *settings_ref;
typedef int port_t;

settings_t current;
port_t default_port = 21;

int get_port(settings_ref s)
{
    return s->port;
}

int main(void)
{
    return get_port(&current) + default_port;
}
