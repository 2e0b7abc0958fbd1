/*
 * Export: a roadvpn profile written for another platform. The profile is
 * read back with the same bounded INI reader; each writer says in notes
 * what its format cannot hold. The NetworkManager-l2tp writer lives here
 * (it is the mirror of nm.c's mapping); .pbk and .mobileconfig sit with
 * their readers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-private.h"

int rv_export_format_from_name(const char *name, enum rv_export_format *ret)
{
	if (!strcmp(name, "nm-l2tp"))
		*ret = RV_EXPORT_NM_L2TP;
	else if (!strcmp(name, "mobileconfig"))
		*ret = RV_EXPORT_MOBILECONFIG;
	else if (!strcmp(name, "pbk"))
		*ret = RV_EXPORT_PBK;
	else
		return -EINVAL;
	return 0;
}

const char *rvi_profile_get(const struct rvi_profile *p, const char *section, const char *key)
{
	const char *v = rvi_ini_get(rvi_ini_section(p->ini, section), key);

	return v && *v ? v : NULL;
}

const char *rvi_profile_secret(const struct rvi_profile *p, const char *name)
{
	static const struct {
		const char *name, *section, *key;
	} where[] = { { "psk", "ipsec", "psk" }, { "password", "ppp", "password" },
		      { "l2tp-secret", "l2tp", "secret" }, { "key-password", "ipsec", "key-password" } };

	for (size_t i = 0; i < p->n_secrets; i++) {
		if (!strcmp(p->secrets[i].name, name) && p->secrets[i].value && *p->secrets[i].value)
			return p->secrets[i].value;
	}
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		if (!strcmp(where[i].name, name))
			return rvi_profile_get(p, where[i].section, where[i].key);
	}
	return NULL;
}

void rvi_note_lost(const struct rvi_profile *p, struct rvi_conn *n, const struct rvi_lost *lost,
		   size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (rvi_profile_get(p, lost[i].section, lost[i].key))
			rvi_note_text(n, RV_NOTE_LEFT_OUT, lost[i].key, _(lost[i].why));
	}
}

/* ---- NetworkManager-l2tp keyfile ---- */

static void kv(struct rvi_buf *b, const char *key, const char *value)
{
	if (!value)
		return;
	rvi_buf_printf(b, "%s=", key);
	rvi_keyfile_escape(b, value);
	rvi_buf_add(b, "\n", 1);
}

/* NetworkManager-l2tp hands ipsec-remote-id to strongSwan/libreswan as rightid. */
static char *nm_remote_id(const char *id)
{
	if (!strncmp(id, "fqdn:", 5))
		return rvi_printf("@%s", id + 5);
	if (!strncmp(id, "ipv4:", 5) || !strncmp(id, "dn:", 3) || !strncmp(id, "email:", 6))
		return rvi_strdup(strchr(id, ':') + 1);
	return rvi_strdup(id);
}

static void nm_auth(const struct rvi_profile *p, struct rvi_buf *b)
{
	const char *auth = rvi_profile_get(p, "ppp", "auth");
	const char *list = auth ? auth : "mschapv2,chap";

	kv(b, "refuse-eap", "yes");
	kv(b, "refuse-mschap", "yes");
	kv(b, "refuse-mschapv2", rvi_list_has(list, "mschapv2") ? "no" : "yes");
	kv(b, "refuse-chap", rvi_list_has(list, "chap") ? "no" : "yes");
	kv(b, "refuse-pap", rvi_list_has(list, "pap") ? "no" : "yes");
}

static void nm_ipsec(const struct rvi_profile *p, struct rvi_buf *b, struct rvi_conn *n)
{
	const char *auth = rvi_profile_get(p, "ipsec", "auth");
	const char *rid = rvi_profile_get(p, "ipsec", "remote-id");
	const char *lid = rvi_profile_get(p, "ipsec", "local-id");
	const char *pfs = rvi_profile_get(p, "ipsec", "pfs");

	kv(b, "ipsec-enabled", "yes");
	if (auth && !strcmp(auth, "cert")) {
		kv(b, "machine-auth-type", "tls");
		kv(b, "machine-ca", rvi_profile_get(p, "ipsec", "ca"));
		kv(b, "machine-cert", rvi_profile_get(p, "ipsec", "cert"));
		kv(b, "machine-key", rvi_profile_get(p, "ipsec", "key"));
	}
	if (rid) {
		char *id = nm_remote_id(rid);

		kv(b, "ipsec-remote-id", id);
		free(id);
	}
	if (lid && !strchr(lid, ':'))
		kv(b, "ipsec-group-name", lid);
	else if (lid)
		rvi_left(n, "local-id", "NetworkManager-l2tp sends only an untagged group name");
	kv(b, "ipsec-ike", rvi_profile_get(p, "ipsec", "ike"));
	kv(b, "ipsec-esp", rvi_profile_get(p, "ipsec", "esp"));
	kv(b, "ipsec-ikelifetime", rvi_profile_get(p, "ipsec", "ike-lifetime"));
	kv(b, "ipsec-salifetime", rvi_profile_get(p, "ipsec", "esp-lifetime"));
	if (rvi_parse_bool(rvi_profile_get(p, "ipsec", "force-encap")) == 1)
		kv(b, "ipsec-forceencaps", "yes");
	if (pfs && (!strcmp(pfs, "none") || !strcmp(pfs, "no")))
		kv(b, "ipsec-pfs", "no");
	else if (pfs)
		rvi_left(n, "pfs", "NetworkManager-l2tp can only turn PFS off");
	if (rvi_profile_get(p, "ipsec", "mode") &&
	    !strcmp(rvi_profile_get(p, "ipsec", "mode"), "aggressive"))
		rvi_left(n, "mode", "NetworkManager-l2tp has no Aggressive Mode");
}

/* password-flags 0 with the secret in [vpn-secrets], or 2: asked every time. */
static void nm_flags(const struct rvi_profile *p, struct rvi_buf *b, bool ipsec_psk)
{
	kv(b, "password-flags", rvi_profile_secret(p, "password") ? "0" : "2");
	if (ipsec_psk)
		kv(b, "ipsec-psk-flags", rvi_profile_secret(p, "psk") ? "0" : "2");
}

static void nm_secrets(const struct rvi_profile *p, struct rvi_buf *b, bool ipsec_psk)
{
	const char *pw = rvi_profile_secret(p, "password");
	const char *psk = ipsec_psk ? rvi_profile_secret(p, "psk") : NULL;

	if (!pw && !psk)
		return;
	rvi_buf_add(b, "\n[vpn-secrets]\n", 15);
	kv(b, "password", pw);
	kv(b, "ipsec-psk", psk);
}

static void nm_ip(const struct rvi_profile *p, struct rvi_buf *b)
{
	const char *routes = rvi_profile_get(p, "ip", "routes");
	const char *v6 = rvi_profile_get(p, "ip", "ipv6");
	unsigned int i = 0;

	rvi_buf_add(b, "\n[ipv4]\nmethod=auto\n", 20);
	if (rvi_parse_bool(rvi_profile_get(p, "ip", "default-route")) == 0)
		kv(b, "never-default", "true");
	if (rvi_parse_bool(rvi_profile_get(p, "ip", "dns")) == 0)
		kv(b, "ignore-auto-dns", "true");
	if (routes) {
		char *copy = rvi_strdup(routes), *save = NULL;

		for (char *r = strtok_r(copy, ", ", &save); r; r = strtok_r(NULL, ", ", &save))
			rvi_buf_printf(b, "route%u=%s\n", ++i, r);
		free(copy);
	}
	rvi_buf_printf(b, "\n[ipv6]\nmethod=%s\n", v6 && !strcmp(v6, "off") ? "ignore" : "auto");
}

int rvi_export_nm(const struct rvi_profile *p, struct rvi_buf *b, struct rvi_conn *n,
		  char **error)
{
	const char *gw = rvi_profile_get(p, "connection", "gateway");
	const char *name = rvi_profile_get(p, "connection", "name");
	const char *auth = rvi_profile_get(p, "ipsec", "auth");
	bool ipsec = rvi_parse_bool(rvi_profile_get(p, "ipsec", "enabled")) != 0;
	bool psk = ipsec && (!auth || strcmp(auth, "cert"));
	char *uuid = rvi_new_uuid();
	const char *mtu = rvi_profile_get(p, "ppp", "mtu"), *mru = rvi_profile_get(p, "ppp", "mru");

	rvi_buf_add(b, "[connection]\n", 13);
	kv(b, "id", name ? name : gw);
	for (char *c = uuid; *c; c++)
		*c = (char)(*c >= 'A' && *c <= 'F' ? *c - 'A' + 'a' : *c);   /* NM writes lower case */
	kv(b, "uuid", uuid);
	kv(b, "type", "vpn");
	kv(b, "autoconnect", "false");
	rvi_buf_add(b, "\n[vpn]\n", 7);
	kv(b, "service-type", "org.freedesktop.NetworkManager.l2tp");
	kv(b, "gateway", gw);
	kv(b, "user", rvi_profile_get(p, "ppp", "user"));
	kv(b, "user-auth-type", "password");
	nm_auth(p, b);
	kv(b, "mtu", mtu ? mtu : "1400");   /* roadvpn's default, written out: NM's is the same */
	kv(b, "mru", mru ? mru : "1400");
	if (ipsec)
		nm_ipsec(p, b, n);
	nm_flags(p, b, psk);
	nm_secrets(p, b, psk);
	nm_ip(p, b);
	if (rvi_profile_secret(p, "l2tp-secret"))
		rvi_left(n, "l2tp secret", "NetworkManager-l2tp has no L2TP tunnel secret");
	free(uuid);
	(void)error;
	return 0;
}

/* ---- the entry point ---- */

static int export_to(enum rv_export_format fmt, const struct rvi_profile *p, struct rvi_buf *b,
		     struct rvi_conn *n, char **error)
{
	switch (fmt) {
	case RV_EXPORT_NM_L2TP:
		return rvi_export_nm(p, b, n, error);
	case RV_EXPORT_MOBILECONFIG:
		return rvi_export_mobileconfig(p, b, n, error);
	case RV_EXPORT_PBK:
		return rvi_export_pbk(p, b, n, error);
	}
	return -EINVAL;
}

static int check_profile(const struct rvi_profile *p, char **error)
{
	const char *gw = rvi_profile_get(p, "connection", "gateway");

	if (!gw || !rvi_host_valid(gw))
		return rvi_fail(error, EINVAL, "[connection] gateway: missing or not a host name");
	for (size_t i = 0; i < p->ini->n_sec; i++) {
		for (size_t k = 0; k < p->ini->sec[i].n_kv; k++) {
			if (!rvi_text_valid(p->ini->sec[i].kv[k].value, RV_IMPORT_MAX_LINE))
				return rvi_fail(error, EINVAL, "[%s] %s: holds control characters",
						p->ini->sec[i].name, p->ini->sec[i].kv[k].key);
		}
	}
	return 0;
}

int rv_export(const char *text, size_t len, const struct rv_import_secret *secrets,
	      size_t n_secrets, enum rv_export_format fmt, char **ret_data, size_t *ret_len,
	      struct rv_import_note **ret_notes, size_t *ret_n_notes, char **error)
{
	struct rvi_profile p = { .secrets = secrets, .n_secrets = n_secrets };
	struct rvi_conn *n = rvi_conn_new("");
	struct rvi_buf b = { 0 };
	int err = rvi_ini_parse(text, len, RVI_INI_KEYFILE, &p.ini, error);

	*ret_data = NULL;
	*ret_len = 0;
	if (err >= 0 && (err = check_profile(&p, error)) >= 0)
		err = export_to(fmt, &p, &b, n, error);
	if (err >= 0) {
		*ret_len = b.len;
		*ret_data = rvi_buf_steal(&b);
	}
	if (b.p)
		explicit_bzero(b.p, b.cap);
	free(b.p);
	if (ret_notes) {
		*ret_notes = rvi_alloc(n->n_notes * sizeof(**ret_notes));
		memcpy(*ret_notes, n->notes, n->n_notes * sizeof(**ret_notes));
		*ret_n_notes = n->n_notes;
		n->n_notes = 0;
	}
	rvi_conn_free(n);
	rvi_ini_free(p.ini);
	return err;
}
