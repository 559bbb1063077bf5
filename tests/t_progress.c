/* t_progress.c -- the meter draws only when asked to, and says the right thing. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "progress.h"

/* Run @p n ticks with stderr sent to a file; return what was drawn. */
static char *run(int mode, uint64_t total, uint64_t n, int sleep_ms)
{
    static char buf[4096];
    char path[] = "/tmp/g5-t_progress.XXXXXX";
    int fd = mkstemp(path);
    int saved = dup(2);
    fflush(stderr);
    dup2(fd, 2);
    g5_progress_t p;
    g5_progress_start(&p, "test", "reads", mode, total);
    for (uint64_t i = 0; i < n; i++) {
        g5_progress_add(&p, 1);
        if (sleep_ms && i == n / 2) {
            struct timespec ts = { 0, sleep_ms * 1000000L };
            nanosleep(&ts, NULL);
        }
    }
    g5_progress_done(&p);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ssize_t len = pread(fd, buf, sizeof buf - 1, 0);
    buf[len > 0 ? len : 0] = '\0';
    close(fd);
    unlink(path);
    return buf;
}

int main(void)
{
    is_str(run(0, 0, 100000, 600), "", "mode 0 never draws");
    is_str(run(-1, 0, 100000, 600), "", "auto mode does not draw when stderr is a file");
    char *s = run(1, 0, 100000, 600);
    ok(strncmp(s, "\rg5 test: ", 10) == 0, "forced meter starts the line with the tool");
    ok(strstr(s, "100k reads") != NULL, "final count in thousands: '100k reads'");
    ok(strstr(s, "elapsed") != NULL, "elapsed time shown without a total");
    ok(s[strlen(s) - 1] == '\n', "the last line ends with a newline");
    s = run(1, 200000, 100000, 600);
    ok(strstr(s, "27%") != NULL && strstr(s, "left") != NULL, "a known total: percent done (53248/200000 = 27%%) and time left");
    is_str(run(1, 0, 10, 0), "", "nothing drawn when the work ends before the first redraw");
    return tap_done();
}
