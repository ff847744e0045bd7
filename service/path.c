/* SPDX-License-Identifier: MIT */
/* .path units, see path.h. The rules follow systemd.path(5) (and systemd's path.c semantics):
 *   - PathExists=/PathExistsGlob=/DirectoryNotEmpty= are states: checked when the unit starts, on
 *     every inotify event, and when the triggered unit is inactive again.
 *   - PathChanged= fires on a close after writing, PathModified= also on every write; both also
 *     when the path appears or disappears while watched.
 * Watches are rebuilt (a fresh inotify fd) after every event, so that directories created on the
 * way to a path are watched from then on. Jobs are only queued from event sources. */
/* .path units (systemd.path(5)): PathExists=, PathExistsGlob=, PathChanged=, PathModified=,
 * DirectoryNotEmpty=, Unit=, MakeDirectory=, DirectoryMode=, TriggerLimitIntervalSec=/Burst=.
 * One inotify fd per active path unit in the manager's sd-event loop (PID 1 never blocks): every
 * path is watched with its parent directories, so that a path created later is seen.
 *
 * States as systemd's: active "waiting" while watching, "running" while the unit it started runs
 * (not watching then); when that unit is inactive again the conditions are checked again, so
 * PathExists= starts it again as long as the path exists (bounded by the trigger limit: the path
 * unit then fails with result "trigger-limit-hit"; a service that hits its own start limit fails it
 * with "unit-start-limit-hit"). Only the deepest existing ancestor of a path is watched for
 * creations; daemon-reload gives an active path unit its new paths. */

#include "service/conditions.h"
#include "service/trigger.h"
#include "service/unit-types.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PARENT_MASK (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)

enum { P_EXISTS, P_EXISTS_GLOB, P_CHANGED, P_MODIFIED, P_DIRECTORY_NOT_EMPTY, _P_MAX };

struct PathState {
        int fd;
        sd_event_source *io, *check;
        int *wd;                /* per spec: its own watch, -1 none */
        bool *prev_exists;      /* per spec (PathChanged=/PathModified=) */
        size_t n;
        bool running;
        bool check_initial, check_from_notify;
        uint64_t limit_start;
        unsigned limit_count;
};

static int spec_type(const char *t) {
        static const char *const names[_P_MAX] = { "PathExists", "PathExistsGlob", "PathChanged", "PathModified",
                                                   "DirectoryNotEmpty" };
        for (int i = 0; i < _P_MAX; i++)
                if (strcmp(t, names[i]) == 0)
                        return i;
        return P_EXISTS;
}

static uint32_t primary_mask(int type) {
        switch (type) {
        case P_CHANGED:
                return IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                       IN_MOVED_TO;
        case P_MODIFIED:
                return IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM |
                       IN_MOVED_TO | IN_MODIFY;
        case P_DIRECTORY_NOT_EMPTY:
                return IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB | IN_CREATE | IN_MOVED_TO;
        default:
                return IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB;
        }
}

static uint64_t now_mono(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static void unwatch(PathState *p) {
        p->io = sd_event_source_disable_unref(p->io);
        if (p->fd >= 0)
                close(p->fd);
        p->fd = -1;
        for (size_t i = 0; i < p->n; i++)
                p->wd[i] = -1;
}

static void path_free(MUnit *u) {
        PathState *p = u->path_state;

        if (!p)
                return;
        unwatch(p);
        sd_event_source_disable_unref(p->check);
        free(p->wd);
        free(p->prev_exists);
        free(p);
        u->path_state = NULL;
}

static bool has_glob(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (s[i] == '*' || s[i] == '?' || s[i] == '[')
                        return true;
        return false;
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata);

/* A fresh inotify fd watching every spec's path and the directories leading to it. */
static int watch(MUnit *u) {
        PathState *p = u->path_state;
        const PathSpecList *l = &u->u->path.specs;
        int r;

        unwatch(p);
        p->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (p->fd < 0)
                return -errno;
        for (size_t i = 0; i < p->n && i < l->n; i++) {
                const char *path = l->items[i].path;
                int type = spec_type(l->items[i].type);
                size_t len = strlen(path);
                char buf[4096];

                if (len >= sizeof(buf) || path[0] != '/')
                        continue;
                /* "/", "/a", "/a/b" for "/a/b/c": the deepest one that exists is watched for the
                 * creation of the next component; those above it only for being moved away (as
                 * systemd does): unrelated activity in / or /run does not wake PID 1. */
                {
                        size_t deepest = 0;
                        for (size_t k = 0; k < len; k++) {
                                size_t plen = k == 0 ? 1 : k;
                                if (path[k] != '/' || has_glob(path, plen))
                                        continue;
                                memcpy(buf, path, plen);
                                buf[plen] = '\0';
                                if (access(buf, F_OK) == 0)
                                        deepest = plen;
                        }
                        for (size_t k = 0; k < len; k++) {
                                size_t plen = k == 0 ? 1 : k;
                                if (path[k] != '/')
                                        continue;
                                if (has_glob(path, plen) || plen > deepest)
                                        break;
                                memcpy(buf, path, plen);
                                buf[plen] = '\0';
                                (void) inotify_add_watch(p->fd, buf, (plen == deepest ? PARENT_MASK : IN_MOVE_SELF) | IN_MASK_ADD);
                        }
                }
                if (type != P_EXISTS_GLOB && !has_glob(path, len))
                        p->wd[i] = inotify_add_watch(p->fd, path, primary_mask(type) | IN_MASK_ADD);
        }
        r = sd_event_add_io(u->m->event, &p->io, p->fd, EPOLLIN, on_inotify, u);
        if (r < 0) {
                close(p->fd);
                p->fd = -1;
                return r;
        }
        return 0;
}

static bool dir_not_empty(const char *path) {
        DIR *d = opendir(path);
        struct dirent *de;
        bool found = false;

        if (!d)
                return false;
        while (!found && (de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
                        found = true;
        closedir(d);
        return found;
}

/* Whether the state conditions hold (and PathChanged= paths appeared or vanished). */
static bool check_good(MUnit *u, bool initial, bool from_notify) {
        PathState *p = u->path_state;
        const PathSpecList *l = &u->u->path.specs;
        bool good = false;

        for (size_t i = 0; i < p->n && i < l->n; i++) {
                const char *path = l->items[i].path;
                switch (spec_type(l->items[i].type)) {
                case P_EXISTS:
                        good = good || access(path, F_OK) == 0;
                        break;
                case P_EXISTS_GLOB: {
                        glob_t g;
                        if (glob(path, GLOB_NOSORT, NULL, &g) == 0)
                                good = true;
                        globfree(&g);
                        break;
                }
                case P_DIRECTORY_NOT_EMPTY:
                        good = good || dir_not_empty(path);
                        break;
                default: {
                        bool b = access(path, F_OK) == 0;
                        if (!initial && !from_notify && b != p->prev_exists[i])
                                good = true;
                        p->prev_exists[i] = b;
                        break;
                }
                }
        }
        return good;
}

static void set_sub(MUnit *u, ActiveState a, SubState s) {
        if (u->active != a || u->sub != s)
                munit_set_state(u, a, s);
}

static void fail(MUnit *u, UnitResult result) {
        unwatch(u->path_state);
        u->path_state->running = false;
        u->result = result;
        munit_set_state(u, STATE_FAILED, SUB_FAILED);
}

static bool active_or_pending(const MUnit *x) {
        return x->job == JOB_START || x->job == JOB_RESTART || x->active == STATE_ACTIVE || x->active == STATE_ACTIVATING ||
               x->active == STATE_RELOADING;
}

static void enter_running(MUnit *u) {
        PathState *p = u->path_state;
        MUnit *trig = trigger_target(u);
        const PathSettings *s = &u->u->path;
        uint64_t interval = s->trigger_limit_interval_usec;
        unsigned burst = (unsigned) s->trigger_limit_burst;
        uint64_t now = now_mono();
        int r;

        /* Nothing is started once shutdown has begun or while the path unit's own stop is
         * queued (systemd: "Don't start job if we are supposed to go down"). */
        if (u->m->shutting_down || u->job == JOB_STOP || !trig)
                return;
        if (interval > 0 && burst > 0) {
                if (p->limit_start == 0 || now - p->limit_start > interval) {
                        p->limit_start = now;
                        p->limit_count = 0;
                }
                if (++p->limit_count > burst) {
                        manager_log(u->m, MLOG_ERR, "%s: trigger limit hit, refusing further activation.", u->id);
                        fail(u, RESULT_TRIGGER_LIMIT_HIT);
                        return;
                }
        }
        if (!trig->u || trig->u->load_state != UNIT_LOADED) {
                manager_log(u->m, MLOG_WARN, "%s: unit %s to trigger is not loaded; the path unit fails", u->id, trig->id);
                fail(u, RESULT_RESOURCES);
                return;
        }
        manager_log(u->m, MLOG_DEBUG, "%s: triggered, starting %s", u->id, trig->id);
        r = manager_add_job(u->m, trig, JOB_START, false);
        if (r < 0) {
                if (r != -ESHUTDOWN) {
                        manager_log(u->m, MLOG_WARN, "%s: cannot start %s: %s", u->id, trig->id, strerror(-r));
                        fail(u, RESULT_RESOURCES);
                }
                return;
        }
        p->running = true;
        unwatch(p);
        set_sub(u, STATE_ACTIVE, SUB_START); /* "running" */
}

static void enter_waiting(MUnit *u, bool initial, bool from_notify) {
        PathState *p = u->path_state;
        MUnit *trig = trigger_target(u);
        int r;

        if (trig && active_or_pending(trig)) {
                /* Its unit runs: so do we, without watching. */
                p->running = true;
                unwatch(p);
                set_sub(u, STATE_ACTIVE, SUB_START);
                return;
        }
        p->running = false;
        r = watch(u);
        if (r < 0) {
                manager_log(u->m, MLOG_ERR, "%s: cannot watch: %s", u->id, strerror(-r));
                fail(u, RESULT_RESOURCES);
                return;
        }
        set_sub(u, STATE_ACTIVE, SUB_RUNNING); /* "waiting" */
        if (check_good(u, initial, from_notify))
                enter_running(u);
}

static int on_check(sd_event_source *s, void *userdata) {
        MUnit *u = userdata;
        PathState *p = u->path_state;

        (void) s;
        if (!p || u->active != STATE_ACTIVE || u->m->shutting_down)
                return 0;
        enter_waiting(u, p->check_initial, p->check_from_notify);
        p->check_initial = p->check_from_notify = false;
        return 0;
}

/* Evaluates from the event loop (never inside run_job() or a state change). */
static void schedule_check(MUnit *u, bool initial, bool from_notify) {
        PathState *p = u->path_state;

        p->check_initial |= initial;
        p->check_from_notify |= from_notify;
        if (!p->check && sd_event_add_defer(u->m->event, &p->check, on_check, u) < 0)
                return;
        sd_event_source_set_enabled(p->check, SD_EVENT_ONESHOT);
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        PathState *p = u->path_state;
        const PathSpecList *l = &u->u->path.specs;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool changed = false;

        (void) s, (void) revents;
        for (;;) {
                ssize_t n = read(fd, buf, sizeof(buf));
                if (n <= 0)
                        break;
                for (char *c = buf; c < buf + n;) {
                        const struct inotify_event *e = (const struct inotify_event *) c;
                        for (size_t i = 0; i < p->n && i < l->n; i++) {
                                int type = spec_type(l->items[i].type);
                                if ((type == P_CHANGED || type == P_MODIFIED) && p->wd[i] >= 0 && e->wd == p->wd[i] &&
                                    (e->mask & primary_mask(type)))
                                        changed = true;
                        }
                        c += sizeof(*e) + e->len;
                }
        }
        if (u->active != STATE_ACTIVE || p->running || u->m->shutting_down)
                return 0;
        if (changed)
                enter_running(u);
        else
                enter_waiting(u, false, false); /* re-watch, check the states */
        return 0;
}

static void make_directories(MUnit *u) {
        const PathSettings *s = &u->u->path;
        mode_t mode = s->directory_mode;

        if (s->make_directory <= 0)
                return;
        for (size_t i = 0; i < s->specs.n; i++) {
                int type = spec_type(s->specs.items[i].type);
                char buf[4096];
                if (type == P_EXISTS || type == P_EXISTS_GLOB)
                        continue;
                snprintf(buf, sizeof(buf), "%s", s->specs.items[i].path);
                for (char *c = buf + 1; *c; c++)
                        if (*c == '/') {
                                *c = '\0';
                                mkdir(buf, mode);
                                *c = '/';
                        }
                if (mkdir(buf, mode) < 0 && errno != EEXIST)
                        manager_log(u->m, MLOG_WARN, "%s: cannot create %s: %s", u->id, buf, strerror(errno));
        }
}

static void path_start(MUnit *u) {
        MUnit *trig = trigger_target(u);
        const PathSpecList *l = &u->u->path.specs;
        char failed[512] = "";
        PathState *p;

        if (unit_test_conditions(u, &u->u->unit.conditions, failed, sizeof(failed)) == 0) {
                manager_log(u->m, MLOG_INFO, "%s: condition check (%s) failed, skipping", u->id, failed);
                manager_job_done(u, JOB_DONE);
                return;
        }
        if (!trig || !trig->u || trig->u->load_state != UNIT_LOADED) {
                manager_log(u->m, MLOG_ERR, "%s: refusing to start, unit %s to trigger not loaded.", u->id,
                            trig ? trig->id : "(none)");
                u->result = RESULT_RESOURCES;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        path_free(u);
        p = calloc(1, sizeof(*p));
        if (p) {
                p->fd = -1;
                p->n = l->n;
                p->wd = calloc(l->n ? l->n : 1, sizeof(int));
                p->prev_exists = calloc(l->n ? l->n : 1, sizeof(bool));
        }
        u->path_state = p;
        if (!p || !p->wd || !p->prev_exists) {
                u->result = RESULT_RESOURCES;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        for (size_t i = 0; i < p->n; i++)
                p->wd[i] = -1;
        make_directories(u);
        u->result = RESULT_SUCCESS;
        munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
        if (u->active == STATE_ACTIVE)
                schedule_check(u, true, false);
}

static void path_reload(MUnit *u) {
        PathState *p = u->path_state;
        const PathSpecList *l = &u->u->path.specs;
        int *wd;
        bool *prev;

        if (!p || u->active != STATE_ACTIVE)
                return;
        unwatch(p);
        wd = realloc(p->wd, (l->n ? l->n : 1) * sizeof(int));
        if (wd)
                p->wd = wd;
        prev = realloc(p->prev_exists, (l->n ? l->n : 1) * sizeof(bool));
        if (prev)
                p->prev_exists = prev;
        if (!wd || !prev) {
                fail(u, RESULT_RESOURCES);
                return;
        }
        p->n = l->n;
        for (size_t i = 0; i < p->n; i++) {
                p->wd[i] = -1;
                p->prev_exists[i] = false;
        }
        make_directories(u);
        if (!p->running)
                schedule_check(u, true, false);
}

static void path_stop(MUnit *u) {
        if (u->path_state) {
                unwatch(u->path_state);
                u->path_state->running = false;
                if (u->path_state->check)
                        sd_event_source_set_enabled(u->path_state->check, SD_EVENT_OFF);
        }
        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

static void path_trigger_notify(MUnit *u, MUnit *x) {
        Manager *m = u->m;
        PathState *p = u->path_state;

        if (!p || u == x || u->active != STATE_ACTIVE || trigger_target(u) != x)
                return;
        if (p->running && x->active == STATE_FAILED && x->job == JOB_NONE && x->start_limit_hit) {
                /* Its unit refused to start again: the path unit stops, as systemd's. */
                manager_log(m, MLOG_WARN, "%s: %s hit its start limit; the path unit fails", u->id, x->id);
                fail(u, RESULT_UNIT_START_LIMIT_HIT);
        } else if (p->running && (x->active == STATE_INACTIVE || x->active == STATE_FAILED) && x->job == JOB_NONE)
                schedule_check(u, false, true);
        else if (!p->running && active_or_pending(x)) {
                /* Started by someone else: we run with it. */
                p->running = true;
                unwatch(p);
                set_sub(u, STATE_ACTIVE, SUB_START);
        }
}

static const char *path_sub_state(const MUnit *u) {
        return u->sub == SUB_RUNNING ? "waiting" : u->sub == SUB_START ? "running" : NULL;
}

const UnitVTable path_vtable = {
        .start = path_start,
        .stop = path_stop,
        .trigger_notify = path_trigger_notify,
        .config_reloaded = path_reload,
        .done = path_free,
        .sub_state_string = path_sub_state,
};
