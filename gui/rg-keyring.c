/*
 * libsecret with the app's own schema. Every call is asynchronous: the first
 * lookup of a session may make the keyring ask the user to unlock it, and the
 * window must stay alive meanwhile.
 */
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rg-keyring.h"

const SecretSchema *rg_keyring_schema(void)
{
	static const SecretSchema schema = {
		RG_KEYRING_SCHEMA_NAME,
		SECRET_SCHEMA_NONE,
		{
			{ "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
			{ "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
			{ NULL, 0 },
		},
	};

	return &schema;
}

char *rg_keyring_label(const char *profile, const char *kind)
{
	/* TRANSLATORS: the keyring item's name (seahorse shows it): secret kind, profile name */
	return g_strdup_printf(_("roadvpn: %s for %s"), kind, profile);
}

void rg_keyring_store(const char *profile, const char *kind, const char *secret,
		      GCancellable *cancellable, GAsyncReadyCallback cb, gpointer user_data)
{
	g_autofree char *label = rg_keyring_label(profile, kind);

	secret_password_store(rg_keyring_schema(), SECRET_COLLECTION_DEFAULT, label, secret,
			      cancellable, cb, user_data, "profile", profile, "kind", kind, NULL);
}

gboolean rg_keyring_store_finish(GAsyncResult *res, GError **error)
{
	return secret_password_store_finish(res, error);
}

void rg_keyring_lookup(const char *profile, const char *kind, GCancellable *cancellable,
		       GAsyncReadyCallback cb, gpointer user_data)
{
	secret_password_lookup(rg_keyring_schema(), cancellable, cb, user_data, "profile", profile,
			       "kind", kind, NULL);
}

char *rg_keyring_lookup_finish(GAsyncResult *res, GError **error)
{
	char *found = secret_password_lookup_finish(res, error);
	char *copy;

	if (!found)
		return NULL;
	/* One way to release every secret the app holds: rg_secret_free. */
	copy = g_strdup(found);
	secret_password_free(found);
	return copy;
}

void rg_keyring_forget(const char *profile, const char *kind, GCancellable *cancellable,
		       GAsyncReadyCallback cb, gpointer user_data)
{
	if (kind)
		secret_password_clear(rg_keyring_schema(), cancellable, cb, user_data, "profile",
				      profile, "kind", kind, NULL);
	else
		secret_password_clear(rg_keyring_schema(), cancellable, cb, user_data, "profile",
				      profile, NULL);
}

gboolean rg_keyring_forget_finish(GAsyncResult *res, GError **error)
{
	g_autoptr(GError) local = NULL;

	/* "Nothing to remove" is success: the item is gone either way. */
	if (secret_password_clear_finish(res, &local) || !local)
		return TRUE;
	g_propagate_error(error, g_steal_pointer(&local));
	return FALSE;
}

void rg_secret_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	g_free(secret);
}
