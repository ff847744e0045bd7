/* SPDX-License-Identifier: MIT */
#pragma once

/* glibc's malloc for sdinit-manager as PID 1 (the front-end puts it in the manager's environment,
 * the manager takes it out again before anything could pass it on): no per-thread cache and no
 * fast bins. Chunks freed into either are never merged with their neighbours, and the unit
 * loader's short-lived strings left about 4,400 of them between the units' long-lived data at
 * 1,000 units: 0.27 MB of PID 1's heap touched and unused (mxfast=0 alone: 0.08 MB). Measured
 * with bench/manager-compare.py: no change in PID 1's CPU to all-active. */
#define SDINIT_MALLOC_TUNABLES "glibc.malloc.tcache_count=0:glibc.malloc.mxfast=0"
