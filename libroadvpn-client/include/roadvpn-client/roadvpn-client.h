#pragma once
/*
 * libroadvpn-client: the one door to roadvpnd for every roadvpn front end
 * (the roadvpn CLI, the GTK app, the NetworkManager plugin).
 *
 *   #include <roadvpn-client/roadvpn-client.h>
 *
 * Front ends get this include folder and nothing of client-core/: the
 * helper is reached over D-Bus only (org.roadvpn.Helper1 on the system
 * bus, contract in data/dbus/org.roadvpn.Helper1.xml).
 *
 * Conventions, everywhere in the library:
 * - Errors are GErrors: RVC_ERROR codes (rvc-error.h) for what the helper
 *   says or whether it can be reached, G_IO_ERROR_CANCELLED when a
 *   GCancellable fired. The library never prints and never exits.
 * - Every operation that talks to roadvpnd has an async form (`rvc_x()` +
 *   `rvc_x_finish()`, GAsyncReadyCallback, called in the thread-default
 *   main context of the caller) and a `rvc_x_sync()` form. The _sync forms
 *   block; the ones that must follow signals (connect, follow) iterate the
 *   client's main context while they wait, like gtk_dialog_run() did: fine
 *   in a command-line tool, use the async forms in a GUI or a service.
 * - Strings returned as `const char *` are borrowed: valid until the
 *   object changes (the next ::changed of a connection) or is freed; copy
 *   what you keep. `char *` / GStrv / GPtrArray results are yours to free.
 * - Human-readable text (phase labels, reason texts, secret labels, setting
 *   labels through rvc_setting_text()) is
 *   translated (gettext domain "roadvpn", the program's locale); messages
 *   that come from roadvpnd are its English sentences. Never parse a message; match on codes and ids.
 * - Secrets are never logged; the library wipes its copies
 *   (explicit_bzero) when it frees them.
 */
#include <roadvpn-client/rvc-error.h>
#include <roadvpn-client/rvc-phase.h>
#include <roadvpn-client/rvc-secrets.h>
#include <roadvpn-client/rvc-settings.h>
#include <roadvpn-client/rvc-connection.h>
#include <roadvpn-client/rvc-client.h>
#include <roadvpn-client/rvc-diagnose.h>
