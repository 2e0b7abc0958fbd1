/*
 * The app's secrets in the user's keyring (libsecret): one item per profile
 * and secret kind ("password", "psk", "l2tp-secret" — the kinds roadvpnd
 * names when it needs secrets), under a schema of the app's own so that
 * nothing else's items are ever read or removed.
 *
 * Secrets handed out by this module are plain C strings to be released with
 * rg_secret_free(), which wipes them first.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#define RG_KEYRING_SCHEMA_NAME "org.roadvpn.Gtk.Secret"

const SecretSchema *rg_keyring_schema(void);

/* The label the keyring shows for an item, e.g. "roadvpn: password for office". */
char *rg_keyring_label(const char *profile, const char *kind);

void rg_keyring_store(const char *profile, const char *kind, const char *secret,
		      GCancellable *cancellable, GAsyncReadyCallback cb, gpointer user_data);
gboolean rg_keyring_store_finish(GAsyncResult *res, GError **error);

/* Finishes with the secret, or NULL (and no error) when there is no item. */
void rg_keyring_lookup(const char *profile, const char *kind, GCancellable *cancellable,
		       GAsyncReadyCallback cb, gpointer user_data);
char *rg_keyring_lookup_finish(GAsyncResult *res, GError **error);

/* Remove the item of one kind, or every item of the profile when kind is NULL. */
void rg_keyring_forget(const char *profile, const char *kind, GCancellable *cancellable,
		       GAsyncReadyCallback cb, gpointer user_data);
gboolean rg_keyring_forget_finish(GAsyncResult *res, GError **error);

/* Wipe and free a secret string (NULL is fine). */
void rg_secret_free(char *secret);
typedef char RgSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RgSecret, rg_secret_free)
