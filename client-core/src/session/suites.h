#pragma once
/*
 * Private to session/: the IPsec suites that worked with this profile's
 * gateway (ike/probe.c found them), offered first on the next connect so
 * it needs one Main Mode. Kept in memory for the session's reconnects and,
 * when the caller names a file (the helper: under its state directory),
 * across runs; never in the profile itself.
 */
#include <stdbool.h>

#define SESSION_SUITE_MAX 32

struct session_suites {
	char *path;                  /* NULL: memory only */
	char gateway[256];           /* the gateway they worked with, as in the profile */
	char ike[SESSION_SUITE_MAX]; /* "aes128-sha1-modp2048"; "" none */
	char esp[SESSION_SUITE_MAX]; /* "aes128gcm16" */
};

/* Load what path remembers (a missing or unreadable file: nothing). */
void session_suites_init(struct session_suites *ss, const char *path);
void session_suites_destroy(struct session_suites *ss);
/* The remembered suites for gateway, or NULL each when none (or another gateway). */
const char *session_suites_ike(const struct session_suites *ss, const char *gateway);
const char *session_suites_esp(const struct session_suites *ss, const char *gateway);
/* These worked: remember them (and write the file when they changed). */
void session_suites_note(struct session_suites *ss, const char *gateway, const char *ike,
			 const char *esp);
