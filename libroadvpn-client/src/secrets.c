/*
 * Secrets: kind labels, the secret-file rule (shared with roadvpnd through
 * secret-file.h), connect options and the secrets request of a connect.
 */
#include <errno.h>
#include <string.h>

#include "private.h"
#include "secret-file.h"

static const struct {
	const char *kind;
	const char *label;
} kinds[] = {
	{ RVC_SECRET_PASSWORD, N_("Password") },
	{ RVC_SECRET_PSK, N_("IPsec pre-shared key") },
	{ RVC_SECRET_L2TP_SECRET, N_("L2TP tunnel secret") },
	{ RVC_SECRET_KEY_PASSWORD, N_("Private key password") },
};

const char *rvc_secret_kind_nth(size_t i)
{
	return i < G_N_ELEMENTS(kinds) ? kinds[i].kind : NULL;
}

const char *rvc_secret_kind_label(const char *kind)
{
	for (size_t i = 0; kind && i < G_N_ELEMENTS(kinds); i++) {
		if (!strcmp(kinds[i].kind, kind))
			return rvc_gettext(kinds[i].label);
	}
	return kind;
}

void rvc_secret_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	g_free(secret);
}

/* Why a secret file is refused, a whole sentence in the user's language. */
static char *bad_file_message(enum rv_secret_file_status status, const char *path)
{
	switch (status) {
	case RV_SECRET_FILE_OK:
		break;
	case RV_SECRET_FILE_EMPTY:
		return g_strdup_printf(rvc_gettext(N_("%s is empty")), path);
	case RV_SECRET_FILE_TOO_LONG:
		return g_strdup_printf(rvc_gettext(N_("%s is longer than 4096 bytes")), path);
	case RV_SECRET_FILE_NUL:
		return g_strdup_printf(rvc_gettext(N_("%s holds a NUL byte")), path);
	case RV_SECRET_FILE_MULTILINE:
		return g_strdup_printf(rvc_gettext(N_("%s holds more than one line")), path);
	}
	return g_strdup_printf(rvc_gettext(N_("%s is unusable")), path);
}

char *rvc_secret_file_read(const char *path, GError **error)
{
	char buf[RV_SECRET_FILE_BUF];
	int r = rv_secret_file_read(path, buf, sizeof(buf));
	char *secret;

	if (r < 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(-r),
			    rvc_gettext(N_("cannot read %s: %s")), path, g_strerror(-r));
		return NULL;
	}
	if (r > 0) {
		g_autofree char *why = bad_file_message(r, path);

		g_set_error_literal(error, RVC_ERROR, RVC_ERROR_BAD_SECRET_FILE, why);
		return NULL;
	}
	secret = g_strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return secret;
}

/* Connect options ----------------------------------------------------------- */

struct _RvcConnectOptions {
	GHashTable *secrets;            /* kind -> value (wiped on removal) */
	gboolean configure_network;
	char *profile_text;             /* a profile the caller owns, or NULL */
};

RvcConnectOptions *rvc_connect_options_new(void)
{
	RvcConnectOptions *o = g_new0(RvcConnectOptions, 1);

	o->secrets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					   (GDestroyNotify)rvc_secret_free);
	o->configure_network = TRUE;
	return o;
}

void rvc_connect_options_free(RvcConnectOptions *options)
{
	if (!options)
		return;
	g_hash_table_unref(options->secrets);
	g_free(options->profile_text);
	g_free(options);
}

void rvc_connect_options_set_secret(RvcConnectOptions *options, const char *kind,
				    const char *value)
{
	if (!value || !*value)
		g_hash_table_remove(options->secrets, kind);
	else
		g_hash_table_replace(options->secrets, g_strdup(kind), g_strdup(value));
}

gboolean rvc_connect_options_has_secret(const RvcConnectOptions *options, const char *kind)
{
	return options && g_hash_table_contains(options->secrets, kind);
}

void rvc_connect_options_set_configure_network(RvcConnectOptions *options, gboolean configure)
{
	options->configure_network = configure;
}

void rvc_connect_options_set_profile_text(RvcConnectOptions *options, const char *keyfile)
{
	g_free(options->profile_text);
	options->profile_text = g_strdup(keyfile);
}

const char *rvc_connect_options_get_profile_text(const RvcConnectOptions *options)
{
	return options ? options->profile_text : NULL;
}

void rvc_connect_options_merge(RvcConnectOptions *to, const RvcConnectOptions *from)
{
	GHashTableIter iter;
	gpointer kind, value;

	g_hash_table_iter_init(&iter, from->secrets);
	while (g_hash_table_iter_next(&iter, &kind, &value))
		rvc_connect_options_set_secret(to, kind, value);
}

RvcConnectOptions *rvc_connect_options_copy(const RvcConnectOptions *options)
{
	RvcConnectOptions *copy = rvc_connect_options_new();

	if (options) {
		rvc_connect_options_merge(copy, options);
		copy->configure_network = options->configure_network;
		copy->profile_text = g_strdup(options->profile_text);
	}
	return copy;
}

/* The a{sv} of Connect and MissingSecrets; "configure-network" only when not the default. */
GVariant *rvc_connect_options_to_variant(const RvcConnectOptions *options)
{
	GVariantBuilder b;
	GHashTableIter iter;
	gpointer kind, value;

	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	if (options) {
		g_hash_table_iter_init(&iter, options->secrets);
		while (g_hash_table_iter_next(&iter, &kind, &value))
			g_variant_builder_add(&b, "{sv}", kind, g_variant_new_string(value));
		if (!options->configure_network)
			g_variant_builder_add(&b, "{sv}", "configure-network",
					      g_variant_new_boolean(FALSE));
		if (options->profile_text)
			g_variant_builder_add(&b, "{sv}", "keyfile",
					      g_variant_new_string(options->profile_text));
	}
	return g_variant_builder_end(&b);
}

GVariant *rvc_connect_options_kinds(const RvcConnectOptions *options)
{
	GVariantBuilder b;
	GHashTableIter iter;
	gpointer kind;

	g_variant_builder_init(&b, G_VARIANT_TYPE_STRING_ARRAY);
	if (options) {
		g_hash_table_iter_init(&iter, options->secrets);
		while (g_hash_table_iter_next(&iter, &kind, NULL))
			g_variant_builder_add(&b, "s", kind);
	}
	return g_variant_builder_end(&b);
}

/* Secrets requests ----------------------------------------------------------- */

struct _RvcSecretsRequest {
	char *profile;
	GStrv kinds;
	RvcConnectOptions *answers;
	RvcSecretsAnswered answered;
	gpointer user_data;
};

RvcSecretsRequest *rvc_secrets_request_new(const char *profile, const char *const *kinds_needed,
					   RvcSecretsAnswered answered, gpointer user_data)
{
	RvcSecretsRequest *r = g_new0(RvcSecretsRequest, 1);

	r->profile = g_strdup(profile);
	r->kinds = g_strdupv((char **)kinds_needed);
	r->answers = rvc_connect_options_new();
	r->answered = answered;
	r->user_data = user_data;
	return r;
}

const char *rvc_secrets_request_get_profile(const RvcSecretsRequest *request)
{
	return request->profile;
}

const char *const *rvc_secrets_request_get_kinds(const RvcSecretsRequest *request)
{
	return (const char *const *)request->kinds;
}

void rvc_secrets_request_set(RvcSecretsRequest *request, const char *kind, const char *value)
{
	rvc_connect_options_set_secret(request->answers, kind, value);
}

static void request_finish(RvcSecretsRequest *request, gboolean done)
{
	request->answered(done ? request->answers : NULL, request->user_data);
	rvc_connect_options_free(request->answers);
	g_strfreev(request->kinds);
	g_free(request->profile);
	g_free(request);
}

void rvc_secrets_request_done(RvcSecretsRequest *request)
{
	request_finish(request, TRUE);
}

void rvc_secrets_request_cancel(RvcSecretsRequest *request)
{
	request_finish(request, FALSE);
}
