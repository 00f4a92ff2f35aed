/* SPDX-License-Identifier: GPL-3.0-or-later
 * `scalecast passuntil sample`: runs a command once per draw (fork, exec of /bin/sh -c CMD),
 * instances until r passes or K_max draws (Hu et al. 2024, PassUntil), with J draws in
 * parallel, a timeout per draw, and an append-only log that a restarted run resumes from. */
#include "cli.h"
#include "passuntil_cli.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *sample_help =
    "usage: scalecast passuntil sample --instances FILE --cmd CMD --log RUN.jsonl [options]\n"
    "\n"
    "Samples each instance until r passes or K_max draws (PassUntil, Hu et al. 2024). CMD runs\n"
    "once per draw through /bin/sh -c with SC_INSTANCE (the instance name), SC_DRAW (the draw\n"
    "number, from 1), SC_SEED, SC_MODEL and SC_N in its environment; its output is discarded.\n"
    "Exit status 0 = pass, 1 = fail, anything else (or a signal, or the timeout) = an error that\n"
    "stops that instance for good (also on resume), reported on stderr; the other instances go\n"
    "on. Every outcome is\n"
    "appended to the log and flushed as it happens; run the same command again after an\n"
    "interruption and it resumes from the log. A draw's result must depend only on\n"
    "(SC_SEED, SC_INSTANCE, SC_DRAW, model) for a resumed run to equal an uninterrupted one.\n"
    "One driver at a time writes a log (it is locked; a second one is refused, exit 4). Each\n"
    "draw runs in its own process group with SC_LOG_ID in its environment; a resume kills\n"
    "what is left of draws of a driver that was killed (SIGKILL) before it could stop them.\n"
    "Instance names and --model must be UTF-8, --size finite: whatever is logged reads back.\n"
    "\n"
    "  --instances FILE  instance names, one per line (blank lines and # comments skipped)\n"
    "  --cmd CMD         the command run for each draw\n"
    "  --log FILE        the run log (JSON lines), created or resumed\n"
    "  --r R             passes to wait for (default 2; r >= 2 gives unbiased task means)\n"
    "  --kmax K          most draws per instance (default 100000; at most 1e9)\n"
    "  --budget B        most draws in total (default instances x K_max): each new draw goes to\n"
    "                    an unresolved instance with the fewest draws so far; a resumed run\n"
    "                    keeps the logged budget unless --budget is given again\n"
    "  --jobs J          draws run in parallel (default 1); no draw starts for an instance\n"
    "                    that has its r passes, but up to J-1 running ones may still finish\n"
    "  --timeout SEC     a draw running longer is killed and counts as an error (default none)\n"
    "  --seed S          passed to CMD as SC_SEED (default 1)\n"
    "  --model NAME      model name written to the log (default \"\")\n"
    "  --size N          model size (parameters) written to the log, used by fit (default NaN)\n"
    "  --level L         level of the printed intervals (default 0.9)\n"
    "\n"
    "Prints one line per instance (state, K, passes, PU, exact interval) and the task PU.\n"
    "Exit status 0 also when some instances failed: see the state column and stderr. SIGINT,\n"
    "SIGTERM and SIGHUP stop the running draws and exit 128 + the signal number (130, 143,\n"
    "129); the log stays valid for a resume.\n";

static volatile sig_atomic_t got_signal = 0;
static void on_signal(int sig)
{
    got_signal = sig;
}

typedef struct slot {
    pid_t pid;
    size_t inst, draw;
    double start;
    int timed_out;
} slot;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* SC_LOG_ID=<device>:<inode> of the log, set in every draw's environment, so that a later
 * driver of the same log can find draws left running by one that was killed. */
static char log_id[96];

/* 1 when /proc/PID/environ holds the entry of this log's SC_LOG_ID. */
static int has_log_id(const char *pid)
{
    char path[300];
    snprintf(path, sizeof path, "/proc/%s/environ", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    static char env[1 << 17]; /* the kernel's limit for one environment is larger; enough here */
    size_t n = 0;
    ssize_t got;
    while (n < sizeof env - 1 && (got = read(fd, env + n, sizeof env - 1 - n)) > 0) n += (size_t)got;
    close(fd);
    env[n] = '\0';
    for (size_t k = 0; k < n; k += strlen(env + k) + 1)
        if (strcmp(env + k, log_id) == 0) return 1;
    return 0;
}

/* Kills the process groups of draws still running from an earlier driver of this log (it was
 * killed with SIGKILL and could not stop them). Safe because the log is locked: no live
 * driver of it exists. Returns how many process groups (draws) were killed. Linux (/proc)
 * only; elsewhere, or for a draw that dropped SC_LOG_ID from its environment and left its
 * process group, the leftovers run on unnoticed (their outcomes are never logged: the resume
 * runs those draws again). */
static size_t kill_leftovers(void)
{
    static pid_t groups[1024]; /* counted once, however many rounds find them */
    size_t ngroups = 0;
    for (int round = 0; round < 5; round++) { /* a leftover may start new processes meanwhile */
        DIR *d = opendir("/proc");
        if (!d) break;
        size_t found = 0;
        struct dirent *e;
        pid_t self = getpid(), own = getpgrp();
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
            pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);
            if (pid == self || !has_log_id(e->d_name)) continue;
            pid_t pg = getpgid(pid);
            kill(pid, SIGKILL);
            found++;
            if (pg <= 1 || pg == own) continue;
            kill(-pg, SIGKILL);
            size_t k = 0;
            while (k < ngroups && k < 1024 && groups[k] != pg) k++;
            if (k == ngroups) {
                if (ngroups < 1024) groups[ngroups] = pg;
                ngroups++;
            }
        }
        closedir(d);
        if (found == 0) break;
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
    }
    return ngroups;
}

/* The locked log's descriptor: a child closes it at once, so that a child the driver's death
 * catches between fork and exec does not keep the lock (close-on-exec covers the exec). */
static int log_fd = -1;

static pid_t spawn(const char *cmd, const pu_log *log, size_t inst, size_t draw,
                   const sigset_t *orig)
{
    pid_t pid = fork();
    if (pid != 0) {
        if (pid > 0) setpgid(pid, pid); /* also in the child: whichever runs first */
        return pid;
    }
    if (log_fd >= 0) close(log_fd);
    /* Child: its own process group, so that a timeout kills everything CMD started. */
    setpgid(0, 0);
    sigprocmask(SIG_SETMASK, orig, NULL);
    char num[64];
    setenv("SC_INSTANCE", log->inst[inst], 1);
    snprintf(num, sizeof num, "%zu", draw);
    setenv("SC_DRAW", num, 1);
    snprintf(num, sizeof num, "%llu", (unsigned long long)log->seed);
    setenv("SC_SEED", num, 1);
    setenv("SC_MODEL", log->model, 1);
    snprintf(num, sizeof num, "%.17g", log->N);
    setenv("SC_N", num, 1);
    setenv("SC_LOG_ID", log_id + strlen("SC_LOG_ID="), 1);
    int fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2) close(fd);
    }
    execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
    _exit(127);
}

static void describe(int status, int timed_out, double timeout, sc_pu_outcome *o, char *msg,
                     size_t size)
{
    msg[0] = '\0';
    if (timed_out) {
        *o = SC_PU_ERROR;
        snprintf(msg, size, "timed out after %g s", timeout);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        *o = SC_PU_PASS;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
        *o = SC_PU_FAIL;
    } else if (WIFEXITED(status)) {
        *o = SC_PU_ERROR;
        snprintf(msg, size, "exit status %d%s", WEXITSTATUS(status),
                 WEXITSTATUS(status) == 127 ? " (command not found?)" : "");
    } else if (WIFSIGNALED(status)) {
        *o = SC_PU_ERROR;
        snprintf(msg, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    } else {
        *o = SC_PU_ERROR;
        snprintf(msg, size, "ended with status %d", status);
    }
}

static void print_summary(const pu_log *log, double level)
{
    sc_pu_est *est = calloc(log->S, sizeof *est);
    size_t nest = 0, nfailed = 0;
    printf("%-20s %-9s %10s %6s %12s %12s %12s  %s\n", "instance", "state", "K", "passes", "PU",
           "lo", "hi", "note");
    for (size_t i = 0; i < log->S; i++) {
        size_t K, c, ed;
        const char *msg;
        sc_pu_state st = sc_pu_sched_state(log->sched, i, &K, &c, &msg, &ed);
        const char *name = sc_pu_sched_name(log->sched, i);
        if (st == SC_PU_FAILED) {
            nfailed++;
            printf("%-20s %-9s %10zu %6zu %12s %12s %12s  draw %zu: %s\n", name, "failed", K, c,
                   "-", "-", "-", ed, msg ? msg : "error");
            continue;
        }
        sc_pu_est e;
        if (K == 0 || sc_pu_estimate(K, c, log->r, log->kmax, level, &e, NULL) != SC_OK) {
            printf("%-20s %-9s %10zu %6zu %12s %12s %12s  no draws\n", name, "censored", K, c,
                   "-", "-", "-");
            continue;
        }
        if (est) est[nest++] = e;
        if (e.censored)
            printf("%-20s %-9s %10zu %6zu %12s %12s %12.4g  upper bound only\n", name,
                   "censored", K, c, "<", "0", e.hi);
        else
            printf("%-20s %-9s %10zu %6zu %12.4g %12.4g %12.4g\n", name, "resolved", K, c, e.pu,
                   e.lo, e.hi);
    }
    sc_pu_task t;
    if (est && nest > 0 && sc_pu_task_estimate(est, nest, 1000, log->seed, level, &t, NULL) == SC_OK)
        printf("task: PU = %.4g [%.4g, %.4g] (%.0f%% bootstrap over %zu instances; %zu censored, "
               "%zu failed)\n",
               t.pu, t.lo, t.hi, 100.0 * level, nest, t.ncensored, nfailed);
    free(est);
}

static const cli_option cli_passuntil_sample_options_opts[] = {
    {"--help", "-h", 0},
    {"--instances", NULL, CLI_VALUE},
    {"--cmd", NULL, CLI_VALUE},
    {"--log", NULL, CLI_VALUE},
    {"--model", NULL, CLI_VALUE},
    {"--r", NULL, CLI_VALUE},
    {"--kmax", NULL, CLI_VALUE},
    {"--jobs", NULL, CLI_VALUE},
    {"--budget", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--timeout", NULL, CLI_VALUE},
    {"--size", NULL, CLI_VALUE},
    {"--level", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_passuntil_sample_options = {"passuntil sample", cli_passuntil_sample_options_opts};

int pu_sample_main(int argc, char **argv)
{
    const char *inst_path = NULL, *cmd = NULL, *log_path = NULL, *v;
    size_t r = 2, kmax = 100000, jobs = 1;
    uint64_t budget = 0, seed = 1;
    double timeout = 0.0, size = NAN, level = 0.9;
    const char *model = "";
    int rc = 0, budget_given = 0;
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_passuntil_sample_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(sample_help, stdout);
            return SC_EXIT_OK;
        } else if (cli_opt(&a, "--instances", &inst_path)) {
        } else if (cli_opt(&a, "--cmd", &cmd)) {
        } else if (cli_opt(&a, "--log", &log_path)) {
        } else if (cli_opt(&a, "--model", &model)) {
        } else if (cli_opt(&a, "--r", &v)) {
            if (!a.error && (rc = cli_parse_size("--r", v, &r))) return rc;
        } else if (cli_opt(&a, "--kmax", &v)) {
            if (!a.error && (rc = cli_parse_size("--kmax", v, &kmax))) return rc;
        } else if (cli_opt(&a, "--jobs", &v)) {
            if (!a.error && (rc = cli_parse_size("--jobs", v, &jobs))) return rc;
        } else if (cli_opt(&a, "--budget", &v)) {
            if (!a.error && (rc = cli_parse_u64("--budget", v, &budget))) return rc;
            budget_given = 1;
        } else if (cli_opt(&a, "--seed", &v)) {
            if (!a.error && (rc = cli_parse_u64("--seed", v, &seed))) return rc;
        } else if (cli_opt(&a, "--timeout", &v)) {
            if (!a.error && (rc = cli_parse_double("--timeout", v, &timeout))) return rc;
        } else if (cli_opt(&a, "--size", &v)) {
            if (!a.error && (rc = cli_parse_double("--size", v, &size))) return rc;
        } else if (cli_opt(&a, "--level", &v)) {
            if (!a.error && (rc = cli_parse_double("--level", v, &level))) return rc;
        } else {
            return cli_fail(SC_EXIT_USAGE, "passuntil sample takes options only, got \"%s\" (see "
                            "'scalecast passuntil sample --help')", a.current);
        }
    }
    if (a.error) return a.error;
    if (!inst_path || !cmd || !log_path)
        return cli_fail(SC_EXIT_USAGE, "passuntil sample needs --instances, --cmd and --log");
    if (cmd[strspn(cmd, " \t\n")] == '\0')
        return cli_fail(SC_EXIT_USAGE, "--cmd: the command is empty (an empty shell command "
                        "exits 0 and would count every draw as a pass)");
    if (r < 1) return cli_fail(SC_EXIT_USAGE, "--r: r must be >= 1 (got %zu)", r);
    if (kmax < r) return cli_fail(SC_EXIT_USAGE, "--kmax: K_max (%zu) must be >= r (%zu)", kmax, r);
    if (kmax > PU_KMAX_LIMIT)
        return cli_fail(SC_EXIT_USAGE, "--kmax: K_max (%zu) is above the limit of %zu draws per "
                        "instance", kmax, PU_KMAX_LIMIT);
    if (jobs < 1 || jobs > 4096) return cli_fail(SC_EXIT_USAGE, "--jobs: expected 1..4096, got %zu", jobs);
    if (timeout < 0.0 || !isfinite(timeout))
        return cli_fail(SC_EXIT_USAGE, "--timeout: expected seconds >= 0, got %g", timeout);
    if (!isnan(size) && !(size > 0.0 && isfinite(size)))
        return cli_fail(SC_EXIT_USAGE, "--size: model size must be finite and > 0, got %g", size);
    if (!pu_utf8_valid(model))
        return cli_fail(SC_EXIT_USAGE, "--model: the name is not valid UTF-8");
    if (!(level > 0.0 && level < 1.0))
        return cli_fail(SC_EXIT_USAGE, "--level: expected a number in (0, 1), got %g", level);

    char **names = NULL;
    size_t S = 0;
    if ((rc = cli_not_folder(inst_path))) return rc;
    if ((rc = pu_read_instances(inst_path, &names, &S))) return rc;

    pu_log log;
    memset(&log, 0, sizeof log);
    FILE *lf = NULL;
    struct stat lst;
    /* The log is opened once, locked (flock: held by this open file, not released when the
     * log is read again by name), and kept open for appending; close-on-exec, so no draw
     * inherits it. */
    int created = 0;
    int fd = open(log_path, O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = open(log_path, O_RDWR | O_APPEND | O_CLOEXEC | O_CREAT | O_EXCL, 0666);
        created = fd >= 0;
    }
    if (fd < 0) {
        rc = cli_fail(SC_EXIT_IO, "%s: cannot open for writing: %s", log_path, strerror(errno));
        goto done;
    }
    /* A driver killed a moment ago may leave a child that has not yet closed its copy of the
     * descriptor (it does so first thing): wait up to a second before refusing. */
    int locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
    for (int tries = 0; !locked && errno == EWOULDBLOCK && tries < 50; tries++) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        locked = flock(fd, LOCK_EX | LOCK_NB) == 0;
    }
    if (!locked) {
        int e = errno;
        close(fd);
        fd = -1;
        rc = e == EWOULDBLOCK
                 ? cli_fail(SC_EXIT_IO, "%s: another 'passuntil sample' is writing this log "
                            "(it is locked); wait for it to end or stop it first", log_path)
                 : cli_fail(SC_EXIT_IO, "%s: cannot lock: %s", log_path, strerror(e));
        goto done;
    }
    if (fstat(fd, &lst) != 0 || !S_ISREG(lst.st_mode)) {
        rc = cli_fail(SC_EXIT_IO, "%s: the run log must be a regular file", log_path);
        goto done;
    }
    log_fd = fd;
    snprintf(log_id, sizeof log_id, "SC_LOG_ID=%llu:%llu", (unsigned long long)lst.st_dev,
             (unsigned long long)lst.st_ino);
    /* An existing log with a complete header line is resumed. An empty one, or one whose header
     * line was cut (the run was killed while writing it: no outcome can follow), is started
     * again: it is truncated and the header is written anew. */
    int exists = lst.st_size > 0;
    if (exists && !pu_log_has_line(log_path)) {
        cli_warn("%s: its header line is incomplete (the run was killed while writing it): "
                 "writing it again", log_path);
        exists = 0;
    }
    if (exists) {
        /* Resume: the log must describe the same run. The logged budget stands unless --budget
         * is given again. */
        if ((rc = pu_log_load(log_path, budget_given ? &budget : NULL, &log))) goto done;
        const char *what = NULL;
        char want[128], got[128];
        if (log.r != r) what = "--r", snprintf(want, sizeof want, "%zu", log.r), snprintf(got, sizeof got, "%zu", r);
        else if (log.kmax != kmax) what = "--kmax", snprintf(want, sizeof want, "%zu", log.kmax), snprintf(got, sizeof got, "%zu", kmax);
        else if (log.seed != seed) what = "--seed", snprintf(want, sizeof want, "%llu", (unsigned long long)log.seed), snprintf(got, sizeof got, "%llu", (unsigned long long)seed);
        else if (strcmp(log.model, model) != 0) what = "--model", snprintf(want, sizeof want, "%s", log.model), snprintf(got, sizeof got, "%s", model);
        else if (!(log.N == size || (isnan(log.N) && isnan(size)))) what = "--size", snprintf(want, sizeof want, "%g", log.N), snprintf(got, sizeof got, "%g", size);
        if (what) {
            rc = cli_fail(SC_EXIT_USAGE, "%s: the log was written with %s %s, not %s", log_path,
                          what, want, got);
            goto done;
        }
        int same = log.S == S;
        for (size_t i = 0; same && i < S; i++) same = strcmp(log.inst[i], names[i]) == 0;
        if (!same) {
            rc = cli_fail(SC_EXIT_USAGE, "%s: the log was written for other instances than %s",
                          log_path, inst_path);
            goto done;
        }
        size_t left = kill_leftovers();
        if (left)
            cli_warn("%s: stopped %zu draw%s left running by an earlier driver of this log",
                     log_path, left, left == 1 ? "" : "s");
        if (log.torn && ftruncate(fd, log.valid_bytes) != 0) {
            rc = cli_fail(SC_EXIT_IO, "%s: cannot cut its torn last line: %s", log_path, strerror(errno));
            goto done;
        }
        cli_info("resuming %s: %zu outcomes already recorded", log_path, log.nrecords);
    } else {
        log.path = cli_strdup(log_path);
        log.model = cli_strdup(model);
        log.N = size;
        log.r = r;
        log.kmax = kmax;
        log.seed = seed;
        log.budget = budget;
        log.S = S;
        log.inst = names;
        names = NULL;
        S = 0;
        sc_error err;
        sc_error_clear(&err);
        if (!log.path || !log.model) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            goto done;
        }
        if (sc_pu_sched_new((const char *const *)log.inst, log.S, r, kmax, budget, &log.sched, &err) != SC_OK) {
            rc = cli_report(&err);
            goto done;
        }
        if (ftruncate(fd, 0) != 0) {
            rc = cli_fail(SC_EXIT_IO, "%s: cannot write: %s", log_path, strerror(errno));
            goto done;
        }
    }
    lf = fdopen(fd, "a");
    if (!lf) {
        rc = cli_fail(SC_EXIT_IO, "%s: cannot append: %s", log_path, strerror(errno));
        goto done;
    }
    fd = -1; /* owned by lf */
    if (!exists) {
        pu_log_write_header(lf, &log);
        if (ferror(lf)) {
            rc = cli_fail(SC_EXIT_IO, "%s: cannot write", log_path);
            goto done;
        }
        created = 0;
    }

    /* SIGCHLD, SIGINT and SIGTERM are blocked and waited for with sigtimedwait, so that a
     * child's end, a deadline and an interruption are all handled in one place. */
    sigset_t set, orig;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigprocmask(SIG_BLOCK, &set, &orig);

    slot *slots = calloc(jobs, sizeof *slots);
    unsigned char *warned = calloc(log.S, 1);
    if (!slots || !warned) {
        free(slots);
        free(warned);
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto restore;
    }
    size_t nrun = 0;
    int tty = isatty(2);
    double last_progress = 0.0;
    uint64_t ran = 0;
    for (;;) {
        while (nrun < jobs) {
            size_t i, d;
            if (!sc_pu_sched_next(log.sched, &i, &d)) break;
            pid_t pid = spawn(cmd, &log, i, d, &orig);
            if (pid < 0) {
                sc_pu_sched_cancel(log.sched, i, d);
                rc = cli_fail(SC_EXIT_INTERNAL, "cannot start a process: %s", strerror(errno));
                break;
            }
            slots[nrun++] = (slot){pid, i, d, now_s(), 0};
        }
        if (rc || nrun == 0) break;
        /* Wait for a child, the nearest deadline, or the next progress update. */
        double wait = tty ? 0.2 : 1.0, t = now_s();
        if (timeout > 0.0)
            for (size_t k = 0; k < nrun; k++) {
                double left = slots[k].start + timeout - t;
                if (!slots[k].timed_out && left < wait) wait = left > 0.0 ? left : 0.0;
            }
        struct timespec ts = {(time_t)wait, (long)((wait - floor(wait)) * 1e9)};
        int sig = sigtimedwait(&set, NULL, &ts);
        if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
            for (size_t k = 0; k < nrun; k++) kill(-slots[k].pid, SIGKILL);
            for (size_t k = 0; k < nrun; k++) waitpid(slots[k].pid, NULL, 0);
            if (tty) fputs("\r\033[K", stderr);
            /* The shell's convention, 128 + the signal number: 130, 143, 129. */
            cli_fail(128 + sig, "interrupted (%s): run the same command again to resume",
                     strsignal(sig));
            rc = 128 + sig;
            nrun = 0;
            break;
        }
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            size_t k = 0;
            while (k < nrun && slots[k].pid != pid) k++;
            if (k == nrun) continue;
            sc_pu_outcome o;
            char msg[160];
            describe(status, slots[k].timed_out, timeout, &o, msg, sizeof msg);
            const char *name = sc_pu_sched_name(log.sched, slots[k].inst);
            pu_log_write_outcome(lf, name, slots[k].draw, o, msg);
            if (ferror(lf)) {
                rc = cli_fail(SC_EXIT_IO, "%s: cannot write", log_path);
                break;
            }
            sc_error err;
            if (sc_pu_sched_record(log.sched, slots[k].inst, slots[k].draw, o, msg, &err) != SC_OK) {
                rc = cli_report(&err);
                break;
            }
            /* One warning per instance: draws already in flight may fail the same way. */
            if (o == SC_PU_ERROR && !warned[slots[k].inst]) {
                cli_warn("instance %s: draw %zu: %s", name, slots[k].draw, msg);
                warned[slots[k].inst] = 1;
            }
            ran++;
            slots[k] = slots[--nrun];
        }
        if (rc) break;
        t = now_s();
        if (timeout > 0.0)
            for (size_t k = 0; k < nrun; k++)
                if (!slots[k].timed_out && t >= slots[k].start + timeout) {
                    kill(-slots[k].pid, SIGKILL);
                    slots[k].timed_out = 1;
                }
        if (tty && t - last_progress >= 0.2) {
            size_t fin = 0;
            for (size_t i = 0; i < log.S; i++)
                fin += sc_pu_sched_state(log.sched, i, NULL, NULL, NULL, NULL) != SC_PU_RUNNING;
            fprintf(stderr, "\rpassuntil: %zu/%zu instances finished, %llu draws, %zu running\033[K",
                    fin, log.S, (unsigned long long)sc_pu_sched_issued(log.sched), nrun);
            last_progress = t;
        }
    }
    if (rc) {
        for (size_t k = 0; k < nrun; k++) kill(-slots[k].pid, SIGKILL);
        for (size_t k = 0; k < nrun; k++) waitpid(slots[k].pid, NULL, 0);
    }
    if (tty) fputs("\r\033[K", stderr);
    free(slots);
    free(warned);
    cli_info("%llu draws run", (unsigned long long)ran);
    if (!rc) print_summary(&log, level);
restore:
    sigprocmask(SIG_SETMASK, &orig, NULL);
done:
    if (lf && fclose(lf) != 0 && !rc) rc = cli_fail(SC_EXIT_IO, "%s: cannot write", log_path);
    /* A log this run created but could not start (no header written) is removed again. */
    if (created) unlink(log_path);
    if (fd >= 0) close(fd);
    log_fd = -1;
    for (size_t j = 0; j < S; j++) free(names[j]);
    free(names);
    pu_log_free(&log);
    return rc;
}
