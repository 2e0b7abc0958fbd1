/*
 * The converter's front door: tell the format from the bytes, hand them to
 * that format's reader, and keep roadvpn's own profiles as they are (their
 * secrets taken apart like any other source's).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "import-private.h"

/* In the user's language: the report and the app show it to people. */
const char *rv_import_format_name(enum rv_import_format f)
{
	switch (f) {
	case RV_FORMAT_UNKNOWN:
		break;
	case RV_FORMAT_ROADVPN:
		return _("roadvpn profile");
	case RV_FORMAT_NM_L2TP:
		return _("NetworkManager-l2tp connection");
	case RV_FORMAT_PBK:
		return _("Windows phonebook (.pbk)");
	case RV_FORMAT_POWERSHELL:
		return _("PowerShell VPN commands");
	case RV_FORMAT_MOBILECONFIG:
		return _("Apple configuration profile (.mobileconfig)");
	}
	/* TRANSLATORS: an import file's format that is not known */
	return _("unknown");
}

bool rvi_looks_roadvpn(const char *data, size_t len)
{
	struct rvi_ini *ini = NULL;
	bool yes;

	if (rvi_ini_parse(data, len, RVI_INI_KEYFILE, &ini, NULL) < 0)
		return false;
	yes = rvi_ini_get(rvi_ini_section(ini, "connection"), "gateway") &&
	      !rvi_ini_section(ini, "vpn");
	rvi_ini_free(ini);
	return yes;
}

/*
 * Order matters: a plist (XML, binary or inside CMS) is recognised by its
 * first bytes; PowerShell by its cmdlet names; then the INI dialects, NM's
 * [vpn] before roadvpn's [connection] gateway=, and a phonebook last (any
 * other INI with a PhoneNumber or VpnStrategy).
 */
enum rv_import_format rv_import_detect(const void *data, size_t len)
{
	const char *text = data;

	if (!data || !len || len > RV_IMPORT_MAX_SIZE)
		return RV_FORMAT_UNKNOWN;
	if (rvi_looks_plist(data, len))
		return RV_FORMAT_MOBILECONFIG;
	if (rvi_looks_powershell(text, len))
		return RV_FORMAT_POWERSHELL;
	if (rvi_looks_nm(text, len))
		return RV_FORMAT_NM_L2TP;
	if (rvi_looks_roadvpn(text, len))
		return RV_FORMAT_ROADVPN;
	if (rvi_looks_pbk(text, len))
		return RV_FORMAT_PBK;
	return RV_FORMAT_UNKNOWN;
}

static void take_secret(struct rvi_conn *c, const struct rvi_ini_section *s, const char *key,
			const char *name)
{
	const char *v = rvi_ini_get(s, key);

	if (v && *v)
		rvi_secret(c, key, name, v);
}

static bool is_secret_key(const char *section, const char *key)
{
	return (!strcmp(section, "ipsec") && (!strcmp(key, "psk") || !strcmp(key, "key-password"))) ||
	       (!strcmp(section, "ppp") && !strcmp(key, "password")) ||
	       (!strcmp(section, "l2tp") && !strcmp(key, "secret"));
}

int rvi_import_roadvpn(const char *data, size_t len, const struct rv_import_options *opts,
		       struct rv_import_result *r, char **error)
{
	struct rvi_ini *ini = NULL;
	struct rvi_conn *c;
	int err = rvi_ini_parse(data, len, RVI_INI_KEYFILE, &ini, error);

	if (err < 0)
		return err;
	c = rvi_conn_new(rvi_ini_get(rvi_ini_section(ini, "connection"), "name"));
	for (size_t s = 0; s < ini->n_sec; s++) {
		const char *sec = rvi_profile_section(ini->sec[s].name);

		if (!sec) {
			rvi_left(c, ini->sec[s].name, "section not imported");
			continue;
		}
		for (size_t k = 0; k < ini->sec[s].n_kv; k++) {
			const struct rvi_ini_kv *kv = &ini->sec[s].kv[k];

			if (is_secret_key(sec, kv->key))
				continue;
			/* room is kept for the few keys set after these */
			if (c->n_kv == RVI_MAX_KEYS - 8 && !rvi_get(c, sec, kv->key)) {
				err = rvi_fail(error, EFBIG, "line %u: more than %d keys; not a "
							     "roadvpn profile", kv->line,
					       RVI_MAX_KEYS - 8);
				goto out;
			}
			rvi_set(c, sec, kv->key, kv->value);
		}
	}
	rvi_info(c, "", "roadvpn's own profile: taken as it is");
	take_secret(c, rvi_ini_section(ini, "ipsec"), "psk", "psk");
	take_secret(c, rvi_ini_section(ini, "ipsec"), "key-password", "key-password");
	take_secret(c, rvi_ini_section(ini, "ppp"), "password", "password");
	take_secret(c, rvi_ini_section(ini, "l2tp"), "secret", "l2tp-secret");
	if (!rvi_get(c, "ppp", "user") && opts && opts->user)
		rvi_take(c, "user (given)", "ppp", "user", opts->user);
	if (!rvi_get(c, "ppp", "user"))
		rvi_missing(c, "ppp.user");
	rvi_result_add(r, c);
	c = NULL;
out:
	rvi_conn_free(c);
	rvi_ini_free(ini);
	return err;
}

/* Say why a key file did not read, if it is one; else what is accepted. */
static int unknown(const char *data, size_t len, char **error)
{
	struct rvi_ini *ini = NULL;
	char *why = NULL;
	int err;

	if (rvi_ini_parse(data, len, RVI_INI_KEYFILE, &ini, &why) < 0 && len && data[0] == '[') {
		err = rvi_fail(error, EBADMSG, "not a valid key file: %s", why);
		free(why);
		return err;
	}
	free(why);
	rvi_ini_free(ini);
	return rvi_fail(error, EINVAL, "not a format roadvpn imports (a NetworkManager-l2tp "
				       "connection, a .pbk phonebook, PowerShell Add-VpnConnection "
				       "lines, a .mobileconfig or a roadvpn profile)");
}

static int dispatch(enum rv_import_format f, const void *data, size_t len,
		    const struct rv_import_options *opts, struct rv_import_result *r, char **error)
{
	switch (f) {
	case RV_FORMAT_UNKNOWN:
		return unknown(data, len, error);
	case RV_FORMAT_ROADVPN:
		return rvi_import_roadvpn(data, len, opts, r, error);
	case RV_FORMAT_NM_L2TP:
		return rvi_import_nm(data, len, opts, r, error);
	case RV_FORMAT_PBK:
		return rvi_import_pbk(data, len, opts, r, error);
	case RV_FORMAT_POWERSHELL:
		return rvi_import_powershell(data, len, opts, r, error);
	case RV_FORMAT_MOBILECONFIG:
		return rvi_import_mobileconfig(data, len, opts, r, error);
	}
	return -EINVAL;
}

int rv_import_data(const void *data, size_t len, const struct rv_import_options *opts,
		   struct rv_import_result **ret, char **error)
{
	struct rv_import_result *r;
	int err;

	*ret = NULL;
	if (len > RV_IMPORT_MAX_SIZE)
		return rvi_fail(error, EFBIG, "larger than %d bytes: not a VPN configuration",
				RV_IMPORT_MAX_SIZE);
	r = rvi_alloc(sizeof(*r));
	r->format = rv_import_detect(data, len);
	err = dispatch(r->format, data, len, opts, r, error);
	if (err >= 0 && !r->n_conns)
		err = opts && opts->entry
			      ? rvi_fail(error, ENOENT, "%s: no L2TP connection named %s in it",
					 rv_import_format_name(r->format), opts->entry)
			      : rvi_fail(error, ENOENT, "%s: no L2TP connection in it",
					 rv_import_format_name(r->format));
	if (err < 0) {
		rv_import_result_free(r);
		return err;
	}
	*ret = r;
	return 0;
}
