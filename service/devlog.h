/* SPDX-License-Identifier: MIT */
#pragma once
/* The syslog socket systemd-journald would provide (/run/systemd/journal/dev-log, with /dev/log
 * pointing to it), for when sdinit stands in for systemd: daemons and `logger` write there.
 * Each message goes on to /run/systemd/journal/syslog when a syslog daemon listens there
 * (rsyslog or syslog-ng through syslog.socket, as journald's ForwardToSyslog= does), otherwise
 * to the container's output as "syslog: ...". Never blocks: a full syslog socket drops the
 * message to the container's output instead. */
#include "service/manager.h"

typedef struct DevLog DevLog;

int devlog_new(Manager *m, DevLog **ret);
DevLog *devlog_free(DevLog *d);
