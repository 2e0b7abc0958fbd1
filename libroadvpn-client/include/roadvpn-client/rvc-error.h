#pragma once
/*
 * The errors of libroadvpn-client: one GError domain, RVC_ERROR.
 *
 * The codes from RVC_ERROR_FAILED to RVC_ERROR_AUTHORIZATION_UNAVAILABLE are
 * roadvpnd's org.roadvpn.Error.* names (documented in the interface XML); the message
 * is then roadvpnd's English sentence, for a human, without the D-Bus
 * prefix, when the program runs in English; in another language (the
 * "roadvpn" catalogue answers) it is the name's meaning in that language,
 * followed by roadvpnd's sentence only where that says what no name does
 * (which setting it refused). The last codes are the library's own, their
 * messages translated.
 */
#include <glib.h>

G_BEGIN_DECLS

#define RVC_ERROR (rvc_error_quark())
GQuark rvc_error_quark(void);

typedef enum {
	/* org.roadvpn.Error.Failed, and any failure without a better code
	 * (e.g. Disconnect of a profile that is not connected). */
	RVC_ERROR_FAILED,
	/* polkit said no, or the profile's [connection] allowed-users does not
	 * list the caller. */
	RVC_ERROR_NOT_AUTHORIZED,
	RVC_ERROR_NO_SUCH_PROFILE,
	/* The profile (file or given text) is unusable; the message names the
	 * field and the reason, e.g. "[ppp] mtu: expected a number ...". */
	RVC_ERROR_INVALID_PROFILE,
	/* Connecting needs secrets nobody gave: no secrets callback, the
	 * callback cancelled, or still missing after the one retry. */
	RVC_ERROR_NEEDS_SECRETS,
	/* The profile is connected or connecting already (by this or another
	 * client). Attach instead: rvc_client_get_connection(). */
	RVC_ERROR_ALREADY_ACTIVE,
	/* The profile cannot be changed now (e.g. removing a connected one). */
	RVC_ERROR_BUSY,
	/* AddProfile: a profile of that name exists. */
	RVC_ERROR_EXISTS,
	/* polkit could not answer (a fault, not a refusal): try again. */
	RVC_ERROR_AUTHORIZATION_UNAVAILABLE,
	/* This caller sent too many calls that need polkit
	 * (org.freedesktop.DBus.Error.LimitsExceeded): try again a moment later. */
	RVC_ERROR_LIMITS_EXCEEDED,
	/* roadvpnd cannot be reached: no system bus, the helper is not running
	 * and cannot be started, or it went away during the call (crashed,
	 * restarted). Following a connection ends with this code when the
	 * helper that ran it is gone. */
	RVC_ERROR_HELPER_NOT_REACHABLE,
	/* The running roadvpnd speaks another major version of the interface. */
	RVC_ERROR_INCOMPATIBLE,
	/* A secret file breaks the rule of rvc_secret_file_read() (empty, too
	 * long, several lines, NUL byte). Unreadable files are G_FILE_ERROR. */
	RVC_ERROR_BAD_SECRET_FILE,
	/* roadvpnd refused the call's arguments (org.freedesktop.DBus.Error.
	 * InvalidArgs), e.g. an option this helper does not know: check
	 * rvc_client_get_interface_version() before using newer members. */
	RVC_ERROR_INVALID_ARGUMENT,
} RvcError;

G_END_DECLS
