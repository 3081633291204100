#include <stdlib.h>

#include "poolhttp.h"

struct pool_config config;

/* argv: PORT [CHILDREN [MAX-REQUESTS]] */
void config_defaults(int argc, char **argv)
{
    config.children = argc > 2 ? atoi(argv[2]) : 4;
    config.max_requests = argc > 3 ? atoi(argv[3]) : 100;
    if (config.children < 1 || config.children > MAX_CHILDREN)
        config.children = 4;
    if (config.max_requests < 1)
        config.max_requests = 100;
    config.quit = 0;
    config.spawned = 0;
}
