/* SPDX-License-Identifier: MIT */
#pragma once

/* Unmaps from this process's page tables the clean pages of its read-only private file mappings
 * (the text and read-only data of the program and of its shared libraries): they stay in the page
 * cache, and what the process touches again faults back in. Mappings with any private copy
 * (RELRO pages the dynamic linker wrote, a debugger's breakpoints) are left alone, so no byte
 * changes. For PID 1 after start-up and after loading the units: -z now and the constructors of
 * libsystemd's libraries touched pages it never reads again, and VmRSS/VmHWM count every mapped
 * page. Returns the number of kB it unmapped, or -errno if /proc/self/smaps cannot be read. */
long drop_clean_file_pages(void);
