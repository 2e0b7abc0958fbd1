#pragma once
#include <stdbool.h>

struct foreground_options {
	const char *profile_path;
	const char *password_file;
	const char *psk_file;
	const char *key_password_file;  /* PKCS#12 or encrypted key */
	const char *debug;        /* components, e.g. "l2tp,ppp" */
	/* remember the IPsec suites that worked under DIR/suites/; NULL: in memory only */
	const char *state_dir;
	/* --diagnose: one diagnosing attempt (diagnose/), its report on stdout */
	bool diagnose;
};

/* Run one connection until disconnect or failure; returns the exit status. */
int foreground_run(const struct foreground_options *opt);
