#pragma once
/*
 * Import and export of roadvpn profiles (docs/profile.md) as NetworkManager
 * connections: vpn.data through the one table (rv-nm-map.h), [connection]
 * name as the connection's name, [ip] as NetworkManager's IPv4 settings.
 */
#include <NetworkManager.h>

/* A new connection from a profile file; the error names the bad field. */
NMConnection *rv_nm_import(const char *path, GError **error);
/* The connection as a profile file (mode 0600, no secrets: flags are "ask"). */
gboolean rv_nm_export(const char *path, NMConnection *connection, GError **error);
