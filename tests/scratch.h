/* scratch.h -- a private scratch folder for the C unit tests: made with
 * mkdtemp, files in it by name, emptied and removed at the end.  Header-only
 * and static, as tap.h; include it after tap.h. */
#ifndef G5_TEST_SCRATCH_H
#define G5_TEST_SCRATCH_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[64];

/* Make /tmp/NAME.XXXXXX.  @return 0, or -1 (reported) */
static __attribute__((unused)) int scratch_init(const char *name)
{
    snprintf(dir, sizeof dir, "/tmp/%s.XXXXXX", name);
    if (mkdtemp(dir)) return 0;
    perror("mkdtemp");
    return -1;
}

/* DIR/NAME, in one of 8 buffers used in turn (several may be live in one call). */
static __attribute__((unused)) char *in_dir(const char *name)
{
    static char buf[8][512];
    static int i;
    i = (i + 1) % 8;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

/* Write a plain file as given; a test cannot go on without it. */
static __attribute__((unused)) void put(const char *name, const char *text)
{
    FILE *fp = fopen(in_dir(name), "w");
    if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0) {
        perror(name);
        exit(1);
    }
}

/* Files in the folder. */
static __attribute__((unused)) int count_files(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    if (d) closedir(d);
    return n;
}

/* Empty the folder. */
static __attribute__((unused)) void remove_all(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) unlink(in_dir(e->d_name));
    if (d) closedir(d);
}

#endif
