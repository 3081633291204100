/* Settings made once at start-up (stdin: "show").  v1 adds a member to the
 * settings and a new global, both filled only by the start-up code, which
 * never runs again in a running process: new code would read 0 (memcached
 * 1.4.2's settings.item_size_max and dispatcher_thread).  An error-level
 * finding until user code fills them; an option-only setting (verbose) is
 * 0 in a new process too, and no finding. */
#include <stdio.h>
#include <string.h>

struct settings {
    int port;
    int verbose;
    int item_max;
    int quiet;
};

struct settings settings;
static int dispatcher_id;
static int trace;

static void settings_init(int argc, char **argv)
{
    settings.port = 11211;
    settings.item_max = 1024 * 1024;
    dispatcher_id = 7;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        settings.verbose = 1;
        settings.quiet = 0;
        trace = 1;
    }
}

void show(void)
{
    printf("v1 port=%d verbose=%d item_max=%d dispatcher=%d quiet=%d trace=%d\n", settings.port,
           settings.verbose, settings.item_max, dispatcher_id, settings.quiet, trace);
}

int main(int argc, char **argv)
{
    char line[64];

    setvbuf(stdout, NULL, _IOLBF, 0);
    settings_init(argc, argv);
    printf("ready\n");
    while (fgets(line, sizeof line, stdin))
        show();
    return 0;
}
