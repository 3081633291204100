/* kvserver v2 -> v3, hand-written (polusgen diff --user-code, see
 * templates/USER_CODE.md).
 *
 * v3 deletes the global total_connections and counts connections in the new
 * member stats.connections instead.  By name alone the new member would start
 * at 0 and every connection counted before the update would be lost, so:
 *  - when the update is applied (data callback for "stats"), the new member
 *    takes the deleted global's value;
 *  - new -> old (rollback to v2, and every write while both run) carries it
 *    back into total_connections, which v2's queue_push counts on from there;
 *  - old -> new leaves it alone (the generated converter does the rest):
 *    after the update only v3's queue_push counts connections.
 *
 * total_connections was itself added by the v2 patch, so in a process that
 * started as v0 it lives in that patch's library as total_connections_v2 (in
 * a process started as v2 it would be the executable's own, non-exported
 * symbol, which a patch reaches only through its import table). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static long *kv_total_connections;

/* Looks for total_connections_v2 in every library mapped in this process
 * (once, from the data callback: sync functions run in a signal handler and
 * only use the pointer found here). */
static long *kv_total(void)
{
    char line[4096];
    FILE *maps;

    if (kv_total_connections != NULL)
        return kv_total_connections;
    maps = fopen("/proc/self/maps", "r");
    if (maps == NULL)
        return NULL;
    while (kv_total_connections == NULL && fgets(line, sizeof line, maps) != NULL) {
        char *path = strchr(line, '/');
        void *h;

        if (path == NULL || strstr(path, ".so") == NULL)
            continue;
        path[strcspn(path, "\n")] = '\0';
        h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
        if (h == NULL)
            continue;
        kv_total_connections = dlsym(h, "total_connections_v2");
        dlclose(h);
    }
    fclose(maps);
    return kv_total_connections;
}

void user_polus_data(const char *name, void *old_addr, void *new_addr)
{
    long *total = kv_total();
    (void)old_addr;
    if (strcmp(name, "stats") == 0 && total != NULL)
        ((struct kv_stats_v3 *)new_addr)->connections = *total;
}

void user_polus_n2o_struct_kv_stats(struct kv_stats *dst, const struct kv_stats_v3 *src)
{
    long *total = kv_total_connections;     /* found by the data callback */
    polus_n2o_struct_kv_stats(dst, src);
    if (total != NULL)
        *total = src->connections;
}
