#pragma once
/*
 * A stand-in roadvpnd for the library's tests: the generated skeletons of
 * the interface XML, served from its own thread and bus connection on a
 * private bus, scripted by the test. It produces what a real roadvpnd
 * cannot be made to do on cue: go away mid-connect, come back as another
 * process, answer slowly (a polkit agent waiting for a password), disagree
 * between MissingSecrets and Connect, speak another interface version.
 */
#include <gio/gio.h>

#include "rv-dbus.h"

#define STANDIN_CONN_PATH "/org/roadvpn/Helper1/Connection/1"

struct standin {
	/* The script, set before start (read in the stand-in's thread). */
	const char *version;            /* Manager.Version, default "1.0" */
	const char *const *missing;     /* kinds MissingSecrets names unless given */
	int needs_secrets_replies;      /* Connect first answers NeedsSecrets this often */
	const char *connect_error;      /* Connect answers this D-Bus error name */
	guint connect_delay_ms;         /* Connect answers this late */
	const char *initial_state;      /* State of the connection Connect creates */
	gboolean export_connection;     /* a connection object exists at start ("up") */
	GVariant *profiles;             /* ListProfiles' answer, a(sa{sv}) (floating ok) */

	/* What it saw (read after the fact; atomics). */
	int connects, missing_calls;
	GVariant *last_options;         /* of the last Connect */

	/* Inside. */
	GThread *thread;
	GMainContext *ctx;
	GMainLoop *loop;
	GDBusConnection *bus;
	RvDbusManager *manager;
	RvDbusConnection *connection;
	GMutex lock;
	GCond cond;
	gboolean ready;
};

/* Start serving org.roadvpn.Helper1 on $DBUS_SYSTEM_BUS_ADDRESS (returns once it owns the name). */
void standin_start(struct standin *s);
/* Go away: the bus connection closes, the name is released. */
void standin_stop(struct standin *s);
/* Run fn(s) in the stand-in's thread and wait for it. */
void standin_run(struct standin *s, void (*fn)(struct standin *s));
/* In the stand-in's thread: set State (and LastError when failing). */
void standin_set_state(struct standin *s, const char *state);
void standin_set_failure(struct standin *s, const char *phase, const char *reason,
			 const char *message);
