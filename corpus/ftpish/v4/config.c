/* The configuration: defaults, then "key=value" lines from an optional file. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ftpish.h"

struct ftp_config config;

void config_defaults(void)
{
    config.banner[0] = '\0';
    config.max_sessions = 16;
    config.idle_timeout = 300;
    strcpy(config.root, ".");
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    return s;
}

static int config_set(const char *key, const char *value)
{
    if (strcmp(key, "banner") == 0) {
        snprintf(config.banner, sizeof config.banner, "%s", value);
    } else if (strcmp(key, "max_sessions") == 0) {
        config.max_sessions = atoi(value);
        if (config.max_sessions < 1 || config.max_sessions > MAX_SESSION_SLOTS)
            return -1;
    } else if (strcmp(key, "idle_timeout") == 0) {
        config.idle_timeout = atoi(value);
        if (config.idle_timeout < 1)
            return -1;
    } else if (strcmp(key, "hide_dotfiles") == 0) {
        fprintf(stderr, "ftpish: hide_dotfiles is obsolete: dotfiles are always hidden\n");
    } else {
        return -1;
    }
    return 0;
}

/* Reads a config file; returns 0, or -1 (with a message) on any bad line. */
int config_load(const char *path)
{
    char line[256];
    int lineno = 0;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        perror(path);
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        char *s = trim(line);
        char *eq;

        lineno++;
        if (*s == '\0' || *s == '#')
            continue;
        eq = strchr(s, '=');
        if (eq == NULL) {
            fprintf(stderr, "%s:%d: expected key=value\n", path, lineno);
            fclose(f);
            return -1;
        }
        *eq = '\0';
        if (config_set(trim(s), trim(eq + 1)) < 0) {
            fprintf(stderr, "%s:%d: bad setting '%s'\n", path, lineno, trim(s));
            fclose(f);
            return -1;
        }
    }
    fclose(f);
    return 0;
}
