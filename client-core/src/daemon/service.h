#pragma once
/* roadvpnd's default mode: org.roadvpn.Helper1 on the system bus (manager.h). */

struct service_options {
	const char *profiles_dir;   /* default /etc/roadvpn/connections */
	const char *state_dir;      /* default /run/roadvpn */
	const char *debug;          /* components, e.g. "l2tp,ppp" */
	int keep_caps;              /* debugging only: do not drop capabilities */
};

/* Serve until SIGTERM/SIGINT; returns the exit status. */
int service_run(const struct service_options *opt);
