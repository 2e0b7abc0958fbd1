#pragma once
/*
 * The org.roadvpn.Helper1.Manager object and the connection registry: the
 * profile store, polkit checks before every change, and at most one live
 * connection per profile.
 */
#include <gio/gio.h>
#include <stdbool.h>

struct rv_manager;

struct rv_manager *rv_manager_new(GDBusConnection *bus, const char *profiles_dir,
				  GError **error);
void rv_manager_free(struct rv_manager *m);

/* Disconnect every connection cleanly; `done` runs once none is left. */
void rv_manager_stop_all(struct rv_manager *m, void (*done)(void *), void *user_data);
