/* SPDX-License-Identifier: MIT */
/* .timer units, see timer.h. The rules follow systemd.timer(5):
 *   - OnActiveSec= counts from the timer's activation, OnBootSec=/OnStartupSec= from PID 1's start;
 *     these fire once (an elapse already past when the timer starts fires at once).
 *   - OnUnitActiveSec=/OnUnitInactiveSec= count from the triggered unit's last activation /
 *     deactivation (or the timer's last trigger, whichever is later); never, while it has neither.
 *   - OnCalendar= elapses after the last trigger (Persistent=: the stamp file's time, so an elapse
 *     missed while the container was down fires at once), otherwise after the timer's activation.
 * A timer that fired is "running" until its unit is inactive again, then re-armed. */
#include "service/timer.h"

#include "service/conditions.h"
#include "service/trigger.h"
#include "service/unit-types.h"
#include "units/calendar.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { B_ACTIVE, B_BOOT, B_STARTUP, B_UNIT_ACTIVE, B_UNIT_INACTIVE, _B_MAX };

static const char *const base_names[_B_MAX] = {
        "OnActiveUSec", "OnBootUSec", "OnStartupUSec", "OnUnitActiveUSec", "OnUnitInactiveUSec",
};

typedef struct MonoValue {
        int base;
        uint64_t value, next;
        bool disabled;      /* a one-time value that fired */
} MonoValue;

typedef struct CalValue {
        CalendarSpec *spec; /* NULL: a spec sdinit cannot compute (logged at start) */
        char *text;
        uint64_t next;
} CalValue;

struct TimerState {
        MonoValue *mono;
        size_t n_mono;
        CalValue *cal;
        size_t n_cal;
        sd_event_source *mono_src, *real_src;
        uint64_t next_mono, next_real; /* UINT64_MAX: none */
        DualTimestamp last_trigger;
        bool running;                  /* its unit was started and is not inactive yet */
};

static uint64_t now_usec(clockid_t clk) {
        struct timespec ts;
        clock_gettime(clk, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static void free_values(TimerState *t) {
        for (size_t i = 0; i < t->n_cal; i++) {
                calendar_spec_free(t->cal[i].spec);
                free(t->cal[i].text);
        }
        free(t->cal);
        free(t->mono);
        t->cal = NULL;
        t->mono = NULL;
        t->n_cal = t->n_mono = 0;
}

static void disarm(TimerState *t) {
        t->mono_src = sd_event_source_disable_unref(t->mono_src);
        t->real_src = sd_event_source_disable_unref(t->real_src);
        t->next_mono = t->next_real = UINT64_MAX;
}

static void timer_free(MUnit *u) {
        TimerState *t = u->timer_state;

        if (!t)
                return;
        disarm(t);
        free_values(t);
        free(t);
        u->timer_state = NULL;
}

static const char *stamp_dir(void) {
        const char *d = getenv("SDINIT_TIMERS_DIR");
        return d && *d ? d : "/var/lib/systemd/timers";
}

static void stamp_path(const MUnit *u, char *buf, size_t n) {
        snprintf(buf, n, "%s/stamp-%s", stamp_dir(), u->id);
}

static void mkdir_p(const char *dir, mode_t mode) {
        char p[4096];

        snprintf(p, sizeof(p), "%s", dir);
        for (char *c = p + 1; *c; c++)
                if (*c == '/') {
                        *c = '\0';
                        mkdir(p, mode);
                        *c = '/';
                }
        mkdir(p, mode);
}

/* Creates the stamp file; with a time, sets its modification time to it. */
static void touch_stamp(MUnit *u, uint64_t realtime) {
        char path[4096];
        int fd;

        mkdir_p(stamp_dir(), 0755);
        stamp_path(u, path, sizeof(path));
        fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0644);
        if (fd < 0) {
                manager_log(u->m, MLOG_WARN, "%s: cannot write %s: %s", u->id, path, strerror(errno));
                return;
        }
        if (realtime) {
                struct timespec ts[2] = {
                        { .tv_sec = (time_t) (realtime / 1000000), .tv_nsec = (long) (realtime % 1000000) * 1000 },
                };
                ts[1] = ts[0];
                futimens(fd, ts);
        }
        close(fd);
}

static uint64_t random_delay(const MUnit *u) {
        uint64_t max = u->u->timer.randomized_delay_usec, r = 0;

        if (max == 0 || max == UINT64_MAX)
                return 0;
        if (u->u->timer.fixed_random_delay > 0) {
                /* Stable for the unit: a hash of its name. */
                r = 1469598103934665603ULL;
                for (const char *s = u->id; *s; s++)
                        r = (r ^ (unsigned char) *s) * 1099511628211ULL;
        } else if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t) sizeof(r))
                r = now_usec(CLOCK_MONOTONIC) * 2654435761ULL;
        return r % max;
}

static int on_elapse(sd_event_source *s, uint64_t usec, void *userdata);

static int arm(MUnit *u, sd_event_source **src, clockid_t clk, uint64_t when) {
        int r;

        *src = sd_event_source_disable_unref(*src);
        r = sd_event_add_time(u->m->event, src, clk, when, 1, on_elapse, u);
        if (r < 0)
                manager_log(u->m, MLOG_ERR, "%s: cannot arm the timer: %s", u->id, strerror(-r));
        return r;
}

static void set_sub(MUnit *u, ActiveState a, SubState s) {
        if (u->active != a || u->sub != s)
                munit_set_state(u, a, s);
}

/* Computes the next elapse and arms the timer, or leaves it elapsed / stops it. */
static void enter_waiting(MUnit *u) {
        TimerState *t = u->timer_state;
        Manager *m = u->m;
        MUnit *trig = trigger_target(u);
        uint64_t min_mono = UINT64_MAX, min_real = UINT64_MAX, delay;
        bool leave_around = false;

        t->running = false;
        for (size_t i = 0; i < t->n_mono; i++) {
                MonoValue *v = &t->mono[i];
                uint64_t base = 0;

                v->next = 0;
                if (v->disabled)
                        continue;
                switch (v->base) {
                case B_ACTIVE:
                        base = u->ts_inactive_exit.monotonic;
                        break;
                case B_BOOT:
                case B_STARTUP:
                        /* The container's boot and the manager's start are both PID 1's start. */
                        base = m->ts_startup.monotonic;
                        break;
                case B_UNIT_ACTIVE:
                        leave_around = true;
                        base = trig ? trig->ts_inactive_exit.monotonic : 0;
                        if (t->last_trigger.monotonic > base)
                                base = t->last_trigger.monotonic;
                        break;
                case B_UNIT_INACTIVE:
                        leave_around = true;
                        base = trig ? trig->ts_inactive_enter.monotonic : 0;
                        if (t->last_trigger.monotonic > base)
                                base = t->last_trigger.monotonic;
                        break;
                }
                if (base == 0)
                        continue;
                v->next = base + v->value;
                if (v->next < min_mono)
                        min_mono = v->next;
        }
        for (size_t i = 0; i < t->n_cal; i++) {
                CalValue *v = &t->cal[i];
                uint64_t base = t->last_trigger.realtime ? t->last_trigger.realtime
                                : u->ts_inactive_exit.realtime ? u->ts_inactive_exit.realtime
                                : now_usec(CLOCK_REALTIME);
                v->next = 0;
                if (!v->spec || calendar_spec_next(v->spec, base, &v->next) < 0) {
                        v->next = 0;
                        continue;
                }
                if (v->next < min_real)
                        min_real = v->next;
        }

        disarm(t);
        if (min_mono == UINT64_MAX && min_real == UINT64_MAX) {
                if (leave_around || u->u->timer.remain_after_elapse != 0)
                        set_sub(u, STATE_ACTIVE, SUB_EXITED); /* "elapsed" */
                else
                        set_sub(u, STATE_INACTIVE, SUB_DEAD);
                return;
        }
        delay = random_delay(u);
        if (min_mono != UINT64_MAX && arm(u, &t->mono_src, CLOCK_MONOTONIC, min_mono + delay) >= 0)
                t->next_mono = min_mono + delay;
        if (min_real != UINT64_MAX && arm(u, &t->real_src, CLOCK_REALTIME, min_real + delay) >= 0)
                t->next_real = min_real + delay;
        if (!t->mono_src && !t->real_src) {
                u->result = RESULT_RESOURCES;
                set_sub(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        set_sub(u, STATE_ACTIVE, SUB_RUNNING); /* "waiting" */
}

static int on_elapse(sd_event_source *s, uint64_t usec, void *userdata) {
        MUnit *u = userdata;
        TimerState *t = u->timer_state;
        Manager *m = u->m;
        MUnit *trig = trigger_target(u);
        uint64_t now_mono = now_usec(CLOCK_MONOTONIC);
        int r;

        (void) s, (void) usec;
        /* Nothing is started once shutdown has begun or while the timer's own stop is queued
         * (systemd: "Don't start job if we are supposed to go down"). */
        if (!t || u->active != STATE_ACTIVE || m->shutting_down || u->job == JOB_STOP)
                return 0;
        dual_timestamp_now(&t->last_trigger);
        /* One-time values that are due now fired. */
        for (size_t i = 0; i < t->n_mono; i++) {
                MonoValue *v = &t->mono[i];
                if (v->next && v->next <= now_mono && (v->base == B_ACTIVE || v->base == B_BOOT || v->base == B_STARTUP))
                        v->disabled = true;
        }
        disarm(t);
        /* The unit to trigger may have become masked or gone (daemon-reload): the timer fails
         * once, as systemd's does, instead of failing a start at every elapse. */
        if (!trig || !trig->u || trig->u->load_state != UNIT_LOADED) {
                manager_log(m, MLOG_WARN, "%s: unit %s to trigger is not loaded; the timer fails", u->id, trig ? trig->id : "(none)");
                u->result = RESULT_RESOURCES;
                set_sub(u, STATE_FAILED, SUB_FAILED);
                return 0;
        }
        manager_log(m, MLOG_DEBUG, "%s: elapsed, starting %s", u->id, trig->id);
        r = manager_add_job(m, trig, JOB_START, false);
        if (r < 0 && r != -ESHUTDOWN) {
                manager_log(m, MLOG_WARN, "%s: cannot start %s: %s", u->id, trig->id, strerror(-r));
                u->result = RESULT_RESOURCES;
                set_sub(u, STATE_FAILED, SUB_FAILED);
                return 0;
        }
        /* The stamp records a run that was really queued (a missed one is caught up at boot). */
        if (u->u->timer.persistent > 0 && t->n_cal)
                touch_stamp(u, t->last_trigger.realtime);
        t->running = true;
        set_sub(u, STATE_ACTIVE, SUB_START); /* "running" */
        /* Started and already gone again (or nothing to do and not running): wait again. */
        if (trig->job == JOB_NONE && (trig->active == STATE_INACTIVE || trig->active == STATE_FAILED))
                enter_waiting(u);
        return 0;
}

static int add_mono(TimerState *t, int base, const TimeList *l) {
        MonoValue *n;

        if (!l->n)
                return 0;
        n = realloc(t->mono, (t->n_mono + l->n) * sizeof(*n));
        if (!n)
                return -ENOMEM;
        t->mono = n;
        for (size_t i = 0; i < l->n; i++)
                t->mono[t->n_mono++] = (MonoValue) { .base = base, .value = l->items[i] };
        return 0;
}

static int build_values(MUnit *u) {
        TimerState *t = u->timer_state;
        const TimerSettings *s = &u->u->timer;
        size_t n = 0;
        int r;

        free_values(t);
        if ((r = add_mono(t, B_ACTIVE, &s->on_active)) < 0 || (r = add_mono(t, B_BOOT, &s->on_boot)) < 0 ||
            (r = add_mono(t, B_STARTUP, &s->on_startup)) < 0 || (r = add_mono(t, B_UNIT_ACTIVE, &s->on_unit_active)) < 0 ||
            (r = add_mono(t, B_UNIT_INACTIVE, &s->on_unit_inactive)) < 0)
                return r;
        for (char **p = s->on_calendar; p && *p; p++)
                n++;
        if (!n)
                return 0;
        t->cal = calloc(n, sizeof(*t->cal));
        if (!t->cal)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char why[256];
                CalValue *v = &t->cal[t->n_cal++];
                v->text = strdup(s->on_calendar[i]);
                if (!v->text)
                        return -ENOMEM;
                r = calendar_spec_parse(v->text, &v->spec, why, sizeof(why));
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        manager_log(u->m, MLOG_WARN, "%s: OnCalendar=%s: %s; this value never elapses", u->id, v->text, why);
        }
        return 0;
}

static void timer_start(MUnit *u) {
        MUnit *trig = trigger_target(u);
        char failed[512] = "";

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
        if (!u->timer_state) {
                u->timer_state = calloc(1, sizeof(TimerState));
                if (!u->timer_state) {
                        u->result = RESULT_RESOURCES;
                        munit_set_state(u, STATE_FAILED, SUB_FAILED);
                        return;
                }
                u->timer_state->next_mono = u->timer_state->next_real = UINT64_MAX;
        }
        if (build_values(u) < 0) {
                u->result = RESULT_RESOURCES;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        u->result = RESULT_SUCCESS;
        /* A (re)started timer counts from now, not from before it was stopped: only
         * Persistent= carries a last trigger over (from its stamp). */
        u->timer_state->last_trigger = (DualTimestamp) { 0, 0 };
        if (u->u->timer.persistent > 0 && u->timer_state->n_cal) {
                char path[4096];
                struct stat st;
                stamp_path(u, path, sizeof(path));
                if (stat(path, &st) == 0) {
                        uint64_t ft = (uint64_t) st.st_mtim.tv_sec * 1000000 + (uint64_t) st.st_mtim.tv_nsec / 1000;
                        if (ft < now_usec(CLOCK_REALTIME))
                                u->timer_state->last_trigger.realtime = ft;
                } else if (errno == ENOENT)
                        touch_stamp(u, 0); /* never ran: the stamp exists from now on */
        }
        munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
        if (u->active == STATE_ACTIVE)
                enter_waiting(u);
}

static void timer_reload(MUnit *u) {
        TimerState *t = u->timer_state;

        if (!t || u->active != STATE_ACTIVE)
                return;
        if (build_values(u) < 0) { /* the last trigger is kept: it is the base of the new values */
                disarm(t);
                u->result = RESULT_RESOURCES;
                set_sub(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        if (!t->running)
                enter_waiting(u);
}

static void timer_stop(MUnit *u) {
        if (u->timer_state) {
                disarm(u->timer_state);
                u->timer_state->running = false;
        }
        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

static void timer_trigger_notify(MUnit *u, MUnit *x) {
        Manager *m = u->m;
        TimerState *t = u->timer_state;

        if (!t || u == x || u->active != STATE_ACTIVE || trigger_target(u) != x)
                return;
        if (t->running) {
                /* Its unit refused to start again (start rate limit): the timer stops
                 * too, as systemd's, instead of firing into the limit forever. */
                if (x->active == STATE_FAILED && x->job == JOB_NONE && x->start_limit_hit) {
                        manager_log(m, MLOG_WARN, "%s: %s hit its start limit; the timer fails", u->id, x->id);
                        disarm(t);
                        t->running = false;
                        u->result = RESULT_UNIT_START_LIMIT_HIT;
                        set_sub(u, STATE_FAILED, SUB_FAILED);
                        return;
                }
                /* Waits until the unit it started is inactive (again). */
                if ((x->active == STATE_INACTIVE || x->active == STATE_FAILED) && x->job != JOB_START)
                        enter_waiting(u);
        } else {
                bool unit_based = false;
                for (size_t k = 0; k < t->n_mono; k++)
                        if (t->mono[k].base == B_UNIT_ACTIVE || t->mono[k].base == B_UNIT_INACTIVE)
                                unit_based = true;
                if (unit_based)
                        enter_waiting(u); /* recalculate */
        }
}

uint64_t timer_next_elapse_realtime(const MUnit *u) {
        return u->timer_state && u->active == STATE_ACTIVE ? u->timer_state->next_real : UINT64_MAX;
}

uint64_t timer_next_elapse_monotonic(const MUnit *u) {
        return u->timer_state && u->active == STATE_ACTIVE ? u->timer_state->next_mono : UINT64_MAX;
}

DualTimestamp timer_last_trigger(const MUnit *u) {
        return u->timer_state ? u->timer_state->last_trigger : (DualTimestamp) { 0, 0 };
}

size_t timer_values(const MUnit *u, bool calendar, TimerValueInfo *out, size_t max) {
        const TimerState *t = u->timer_state;
        size_t n = 0;

        if (t && u->active == STATE_ACTIVE) {
                if (calendar)
                        for (size_t i = 0; i < t->n_cal; i++, n++) {
                                if (n < max)
                                        out[n] = (TimerValueInfo) { "OnCalendar", 0, t->cal[i].text, t->cal[i].next };
                        }
                else
                        for (size_t i = 0; i < t->n_mono; i++, n++) {
                                if (n < max)
                                        out[n] = (TimerValueInfo) { base_names[t->mono[i].base], t->mono[i].value, NULL,
                                                                    t->mono[i].disabled ? 0 : t->mono[i].next };
                        }
                return n;
        }
        if (!u->u)
                return 0;
        if (calendar) {
                for (char **p = u->u->timer.on_calendar; p && *p; p++, n++)
                        if (n < max)
                                out[n] = (TimerValueInfo) { "OnCalendar", 0, *p, 0 };
        } else {
                const TimeList *l[_B_MAX] = { &u->u->timer.on_active, &u->u->timer.on_boot, &u->u->timer.on_startup,
                                              &u->u->timer.on_unit_active, &u->u->timer.on_unit_inactive };
                for (int b = 0; b < _B_MAX; b++)
                        for (size_t i = 0; i < l[b]->n; i++, n++)
                                if (n < max)
                                        out[n] = (TimerValueInfo) { base_names[b], l[b]->items[i], NULL, 0 };
        }
        return n;
}

static const char *timer_sub_state(const MUnit *u) {
        switch (u->sub) {
        case SUB_RUNNING:
                return "waiting";
        case SUB_START:
                return "running"; /* the unit it triggered runs */
        case SUB_EXITED:
                return "elapsed";
        default:
                return NULL;
        }
}

const UnitVTable timer_vtable = {
        .start = timer_start,
        .stop = timer_stop,
        .trigger_notify = timer_trigger_notify,
        .config_reloaded = timer_reload,
        .done = timer_free,
        .sub_state_string = timer_sub_state,
};
