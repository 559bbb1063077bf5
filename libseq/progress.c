/*
 * progress.c -- the stderr progress meter.  See progress.h for the design.
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// Look at the clock every this many units: cheap for per-record ticking,
// still many times a second at any realistic rate.
#define CHECK_EVERY 4096

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A terminal, and we are its foreground job: a job sent to the background
 * with & must not scribble over the shell prompt. */
static int watched(void)
{
    int fd = fileno(stderr);
    if (!isatty(fd)) return 0;
    pid_t fg = tcgetpgrp(fd);
    return fg < 0 || fg == getpgrp();
}

void g5_progress_start(g5_progress_t *p, const char *tool, const char *unit,
                       int mode, uint64_t total)
{
    memset(p, 0, sizeof *p);
    p->tool = tool;
    p->unit = unit;
    p->total = total;
    p->active = mode > 0 || (mode < 0 && watched());
    p->start = p->last = now();
    // An inactive meter never polls again: its next check is out of reach.
    p->next_check = p->active ? CHECK_EVERY : UINT64_MAX;
}

/* 1234567 -> "1.23M"; keeps the line short at any scale. */
static void human(char *buf, size_t n, double v)
{
    static const char suffix[] = " kMGTP";
    int i = 0;
    while (v >= 1000 && i < 5) { v /= 1000; i++; }
    if (i == 0) snprintf(buf, n, "%.0f", v);
    else snprintf(buf, n, "%.*f%c", v < 10 ? 2 : v < 100 ? 1 : 0, v, suffix[i]);
}

static void hms(char *buf, size_t n, double s)
{
    unsigned long t = (unsigned long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%02lu:%02lu", t / 60, t % 60);
}

static void draw(g5_progress_t *p, double t, int final)
{
    char count[16], rate[16], clock[32];
    double elapsed = t - p->start;
    human(count, sizeof count, (double)p->count);
    human(rate, sizeof rate, elapsed > 0 ? p->count / elapsed : 0);
    hms(clock, sizeof clock, elapsed);
    fprintf(stderr, "\rg5 %s: %s %s, %s/s", p->tool, count, p->unit, rate);
    if (p->total && !final && p->count > 0 && p->count <= p->total) {
        char left[32];
        hms(left, sizeof left, elapsed * (double)(p->total - p->count) / (double)p->count);
        fprintf(stderr, ", %.0f%%, %s left", 100.0 * p->count / p->total, left);
    } else {
        fprintf(stderr, ", %s elapsed", clock);
    }
    fputs(final ? "\033[K\n" : "\033[K", stderr);  // clear what a longer line left
    fflush(stderr);
    p->drawn = 1;
}

void g5_progress_poll(g5_progress_t *p)
{
    p->next_check = p->count + CHECK_EVERY;
    if (!p->active) { p->next_check = UINT64_MAX; return; }
    double t = now();
    if (t - p->last < 0.5) return;
    p->last = t;
    draw(p, t, 0);
}

void g5_progress_done(g5_progress_t *p)
{
    if (p->active && p->drawn) draw(p, now(), 1);
    p->active = 0;
}
