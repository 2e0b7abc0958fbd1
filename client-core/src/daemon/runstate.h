#pragma once
/*
 * What a connection changed on the host, recorded in /run/roadvpn so that a
 * helper restarted after a crash (or SIGKILL) removes what the dead one left:
 * its TUN device if somehow still there, the gateway host route of a full
 * tunnel, and (through net/) a resolv.conf it had rewritten.
 */
#include <stdbool.h>
#include <stdint.h>

/* The state directory (default /run/roadvpn); also net/'s DNS backup dir. */
void rv_runstate_init(const char *dir);
/* At start-up: undo the records of processes that no longer run. Returns how many. */
int rv_runstate_cleanup(void);
/* A connection is up on `ifname` (full_tunnel: net/ pinned gateway4/32). */
void rv_runstate_record(const char *ifname, uint32_t gateway4, bool full_tunnel);
/* It was undone cleanly. */
void rv_runstate_forget(const char *ifname);
/*
 * DIR/suites/NAME: where the IPsec suites that worked with profile NAME are
 * remembered (session_config.suite_file); DIR is the state directory, or
 * `dir` when given. Free with g_free().
 */
char *rv_runstate_suite_file(const char *dir, const char *profile_name);
