/*
 * A profile's IPsec settings checked when it is saved, by the code that will
 * use them: the proposal strings, PFS group and identities through
 * ike_check_config() (the IKE layer's own parser), the ca/cert/key files by
 * loading them as a connection would. The error names the key, e.g.
 * "[ipsec] ike: unknown or malformed proposal \"garbage\"".
 */
#include <string.h>
#include <unistd.h>

#include "crypto/x509.h"
#include "ike/ike.h"
#include "session.h"

static gboolean ipsec_invalid(GError **error, const char *id, const char *key, const char *reason)
{
	return profile_invalid(error, id, "ipsec", key, NULL, "[ipsec] %s: %s", key, reason);
}

/* One setting alone, so that an error belongs to its key. */
static gboolean check_alone(const struct ike_config *cfg, const char *key, GError **error)
{
	char err[200];

	if (ike_check_config(cfg, err, sizeof(err)) < 0)
		return ipsec_invalid(error, strcmp(key, "local-id") ? "bad-proposal" : "bad-value",
				     key, err);
	return TRUE;
}

/* ike_cert_check_config() says which file or setting in its first word(s). */
static const char *cert_error_key(const char *err)
{
	static const struct {
		const char *prefix, *key;
	} keys[] = {
		{ "remote id", "remote-id" }, { "certificates work", "mode" },
		{ "certificate authentication needs the gateway", "ca" },
		{ "certificate", "cert" },    { "key", "key" },
		{ "CA", "ca" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (g_str_has_prefix(err, keys[i].prefix))
			return keys[i].key;
	}
	return "auth";
}

/* The file a setting names (ca, cert, key), or NULL. */
static const char *file_of(const struct profile *p, const char *key)
{
	if (!strcmp(key, "ca"))
		return p->ca_file;
	if (!strcmp(key, "cert"))
		return p->cert_file;
	if (!strcmp(key, "key"))
		return p->key_file;
	return NULL;
}

/* What is wrong with a setting the certificate check named, as a problem id. */
static const char *cert_problem(const struct profile *p, const char *key)
{
	const char *path = file_of(p, key);

	if (!path)
		return "bad-value";
	return access(path, R_OK) == 0 ? "bad-certificate" : "file-unreadable";
}

/* Without the key's password (asked at connect time) the files can only be found. */
static gboolean check_readable(const char *key, const char *path, GError **error)
{
	g_autofree char *reason = NULL;

	if (!path || access(path, R_OK) == 0)
		return TRUE;
	reason = g_strdup_printf("cannot read %s", path);
	return ipsec_invalid(error, "file-unreadable", key, reason);
}

static gboolean check_cert_files_locked(const struct profile *p, GError **error)
{
	struct rv_x509_store *ca;
	char err[200];

	if (!p->ca_file)
		return ipsec_invalid(error, "missing", "ca",
				     "missing: certificates need the gateway's CA");
	if (!p->cert_file)
		return ipsec_invalid(error, "missing", "cert", "missing: certificates need ours");
	ca = rv_x509_store_load(p->ca_file, err, sizeof(err));
	rv_x509_store_free(ca);
	if (!ca)
		return ipsec_invalid(error, cert_problem(p, "ca"), "ca", err);
	return check_readable("cert", p->cert_file, error) &&
	       check_readable("key", p->key_file, error);
}

static gboolean check_cert(const struct profile *p, bool aggressive, GError **error)
{
	struct ike_config cfg = {
		.auth_cert = true, .aggressive = aggressive, .cert_file = p->cert_file,
		.key_file = p->key_file, .ca_file = p->ca_file, .remote_id = p->remote_id,
		.key_password = p->key_password, .remote_name = p->gateway,
	};
	char err[200];

	if (!p->key_password && profile_needs_key_password(p))
		return check_cert_files_locked(p, error);
	if (ike_check_config(&cfg, err, sizeof(err)) < 0) {
		const char *key = cert_error_key(err);

		return ipsec_invalid(error, cert_problem(p, key), key, err);
	}
	return TRUE;
}

gboolean session_check_profile(const struct profile *p, GError **error)
{
	/* A PSK asked at connect time is not there yet; ike_check_config wants one. */
	struct rv_secret *psk = rv_secret_new_str("checking the proposals");
	bool aggressive = p->ipsec_mode && !strcmp(p->ipsec_mode, "aggressive");
	struct ike_config ike = { .psk = psk, .ike_proposals = p->ike_proposals };
	struct ike_config esp = { .psk = psk, .esp_proposals = p->esp_proposals };
	struct ike_config pfs = { .psk = psk, .esp_proposals = p->esp_proposals, .pfs = p->pfs };
	struct ike_config id = { .psk = psk, .local_id = p->local_id };

	gboolean ok = !p->ipsec_enabled ||
		      (check_alone(&ike, "ike", error) && check_alone(&esp, "esp", error) &&
		       check_alone(&pfs, "pfs", error) && check_alone(&id, "local-id", error) &&
		       (strcmp(p->ipsec_auth, "cert") || check_cert(p, aggressive, error)));

	rv_secret_free(psk);
	return ok;
}
