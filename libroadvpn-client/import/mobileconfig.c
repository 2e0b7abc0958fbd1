/*
 * Apple configuration profiles (.mobileconfig): a property list (XML or
 * binary, read with libplist after plist-check.c's bounds), possibly
 * wrapped in CMS SignedData (OpenSSL). The keys are Apple's
 * com.apple.vpn.managed payload (apple/device-management,
 * mdm/profiles/com.apple.vpn.managed.yaml): VPNType L2TP with PPP
 * (CommRemoteAddress, AuthName, AuthPassword, CCP*, TokenCard), IPSec
 * (AuthenticationMethod, SharedSecret, LocalIdentifier[Type],
 * PayloadCertificateUUID) and IPv4 (OverridePrimary); certificates come as
 * com.apple.security.pkcs12 / .root payloads in the same profile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <plist/plist.h>

#include "import-private.h"
#include "plist-check.h"

#define VPN_PAYLOAD "com.apple.vpn.managed"

static const unsigned char signed_data_oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
						 0xf7, 0x0d, 0x01, 0x07, 0x02 };

static bool is_cms(const unsigned char *d, size_t len)
{
	size_t n = len < 32 ? len : 32;

	return d && len > 16 && d[0] == 0x30 && memmem(d, n, signed_data_oid, sizeof(signed_data_oid));
}

static bool is_xml_plist(const unsigned char *d, size_t len)
{
	size_t n = len < 1024 ? len : 1024;

	return memmem(d, n, "<plist", 6) || memmem(d, n, "<!DOCTYPE plist", 15);
}

bool rvi_looks_plist(const unsigned char *d, size_t len)
{
	return (len >= 8 && !memcmp(d, "bplist00", 8)) || is_cms(d, len) || is_xml_plist(d, len);
}

/* ---- CMS ---- */

static char *subject_of(X509 *cert)
{
	char *line = X509_NAME_oneline(X509_get_subject_name(cert), NULL, 0);
	char *s = rvi_strdup(line ? line : "?");

	OPENSSL_free(line);
	return s;
}

/*
 * The system's CAs through their hashed directory (/etc/ssl/certs, or
 * $SSL_CERT_DIR): looked up by subject when needed, where the default paths
 * would parse the whole bundle file for every profile.
 */
static X509_STORE *trust_store(const struct rv_import_options *opts)
{
	X509_STORE *st = X509_STORE_new();
	const char *dir = getenv(X509_get_default_cert_dir_env());

	if (!st)
		return NULL;
	if (opts && opts->trust_store)
		X509_STORE_load_file(st, opts->trust_store);
	else
		X509_STORE_load_path(st, dir && *dir ? dir : X509_get_default_cert_dir());
	return st;
}

static void note_signer(CMS_ContentInfo *cms, struct rv_import_result *r, bool trusted,
			const char *why)
{
	STACK_OF(X509) *signers = CMS_get0_signers(cms);
	char *who = signers && sk_X509_num(signers) ? subject_of(sk_X509_value(signers, 0))
						     : rvi_strdup(_("(no signer certificate)"));

	if (trusted)
		rvi_result_note(r, RV_NOTE_INFO, "signature", "valid, signed by %s, whose "
							      "certificate chains to a trusted CA",
				who);
	else
		rvi_result_note(r, RV_NOTE_INFO, "signature", "valid, signed by %s; that "
							      "certificate is NOT trusted here (%s)",
				who, why);
	sk_X509_free(signers);
	free(who);
}

/* Verify what can be verified, then give the signed content. */
static int cms_unwrap(const unsigned char *d, size_t len, const struct rv_import_options *opts,
		      struct rv_import_result *r, struct rvi_buf *content, char **error)
{
	BIO *in = BIO_new_mem_buf(d, (int)len), *out = BIO_new(BIO_s_mem());
	CMS_ContentInfo *cms = in ? d2i_CMS_bio(in, NULL) : NULL;
	X509_STORE *st = trust_store(opts);
	char *why = NULL, *p;
	long n;
	int err = 0;

	if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		err = rvi_fail(error, EBADMSG, "CMS: not a signed configuration profile");
	} else if (CMS_verify(cms, NULL, st, NULL, out, CMS_BINARY) == 1) {
		note_signer(cms, r, true, NULL);
	} else {
		why = rvi_strdup(ERR_reason_error_string(ERR_peek_last_error()) ?: "unknown");
		ERR_clear_error();
		(void)BIO_reset(out);
		if (CMS_verify(cms, NULL, NULL, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1)
			note_signer(cms, r, false, why);
		else
			err = rvi_fail(error, EBADMSG, "CMS signature: does not match the content "
						       "(the file was changed after signing?)");
	}
	ERR_clear_error();
	n = BIO_get_mem_data(out, &p);
	if (!err && (n <= 0 || n > RV_IMPORT_MAX_SIZE))
		err = rvi_fail(error, EBADMSG, "CMS: signed content empty or too large");
	if (!err)
		rvi_buf_add(content, p, (size_t)n);
	free(why);
	X509_STORE_free(st);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	BIO_free(out);
	return err;
}

/* ---- property list access ---- */

static plist_t item(plist_t dict, const char *key)
{
	return dict && plist_get_node_type(dict) == PLIST_DICT ? plist_dict_get_item(dict, key)
							      : NULL;
}

/*
 * A string value (malloc'd), or NULL if absent, of another type or holding
 * a NUL (libplist's plist_get_string_val() asserts on those: read the
 * pointer and length instead).
 */
static char *str(plist_t dict, const char *key)
{
	plist_t n = item(dict, key);
	uint64_t len = 0;
	const char *v = n ? plist_get_string_ptr(n, &len) : NULL;

	if (!v || len > RV_IMPORT_MAX_SIZE || memchr(v, '\0', (size_t)len))
		return NULL;
	return rvi_strndup(v, (size_t)len);
}

/* 0/1 integers or booleans; -1 when absent. */
static int flag(plist_t dict, const char *key)
{
	plist_t n = item(dict, key);
	uint64_t u = 0;
	uint8_t b = 0;

	if (n && plist_get_node_type(n) == PLIST_UINT) {
		plist_get_uint_val(n, &u);
		return u != 0;
	}
	if (n && plist_get_node_type(n) == PLIST_BOOLEAN) {
		plist_get_bool_val(n, &b);
		return b != 0;
	}
	return -1;
}

/* <data> or <string> (both are seen for SharedSecret); *len set. */
static unsigned char *bytes(plist_t dict, const char *key, size_t *len)
{
	plist_t n = item(dict, key);
	uint64_t l = 0;
	const char *v = NULL;
	unsigned char *copy;

	if (n && plist_get_node_type(n) == PLIST_STRING)
		v = plist_get_string_ptr(n, &l);
	else if (n && plist_get_node_type(n) == PLIST_DATA)
		v = plist_get_data_ptr(n, &l);
	if (!v || l > RV_IMPORT_MAX_SIZE)
		return NULL;
	copy = rvi_alloc((size_t)l + 1);
	memcpy(copy, v, (size_t)l);
	*len = (size_t)l;
	return copy;
}

/* ---- mapping ---- */

struct mc_ctx {
	struct rvi_conn *c;
	plist_t root, vpn, ppp, ipsec, ipv4;
	char **error;
};

static int map_gateway(struct mc_ctx *x)
{
	char *gw = str(x->ppp, "CommRemoteAddress");
	const char *field = "PPP CommRemoteAddress";
	int err = 0;

	if (!gw) {
		gw = str(x->ipsec, "RemoteAddress");
		field = "IPSec RemoteAddress";
	}
	if (!gw)
		err = rvi_fail(x->error, EINVAL, "PPP CommRemoteAddress: missing (the gateway)");
	else if (!rvi_host_valid(gw))
		err = rvi_fail(x->error, EINVAL, "%s: \"%.64s\" is not a host name or address",
			       field, gw);
	else
		rvi_take(x->c, field, "connection", "gateway", gw);
	free(gw);
	return err;
}

static int check_eap(struct mc_ctx *x)
{
	plist_t plugins = item(x->ppp, "AuthEAPPlugins"), protos = item(x->ppp, "AuthProtocol");

	if (flag(x->ppp, "TokenCard") == 1)
		return rvi_fail(x->error, ENOTSUP, "PPP TokenCard: token-card (SecurID) login is not "
						   "supported by roadvpn");
	if ((plugins && plist_get_node_type(plugins) == PLIST_ARRAY &&
	     plist_array_get_size(plugins)) ||
	    (protos && plist_get_node_type(protos) == PLIST_ARRAY && plist_array_get_size(protos)))
		return rvi_fail(x->error, ENOTSUP, "PPP AuthProtocol: EAP is not supported by "
						   "roadvpn (user name and password only)");
	return 0;
}

static void map_ppp(struct mc_ctx *x, const struct rv_import_options *opts)
{
	char *user = str(x->ppp, "AuthName"), *pw = str(x->ppp, "AuthPassword");

	if (user && rvi_text_valid(user, 256))
		rvi_take(x->c, "PPP AuthName", "ppp", "user", user);
	else if (opts && opts->user)
		rvi_take(x->c, "user (given)", "ppp", "user", opts->user);
	else
		rvi_missing(x->c, "ppp.user");
	if (pw && *pw) {
		rvi_secret(x->c, "PPP AuthPassword", "password", pw);
	} else {
		rvi_take(x->c, "PPP AuthPassword", "ppp", "password-flags", "ask");
		rvi_info(x->c, "PPP AuthPassword", "not in the profile: roadvpn asks at connect "
						   "time");
	}
	if (flag(x->ppp, "CCPEnabled") == 1 || flag(x->ppp, "CCPMPPE40Enabled") == 1 ||
	    flag(x->ppp, "CCPMPPE128Enabled") == 1)
		rvi_left(x->c, "PPP CCP*", "MPPE: not supported by roadvpn; the tunnel is protected "
					   "by IPsec");
	if (flag(x->ppp, "DisconnectOnIdle") == 1)
		rvi_left(x->c, "PPP DisconnectOnIdle", "roadvpn stays connected until told "
						       "otherwise");
	free(user);
	rvi_free_secret(pw);
}

/* The PKCS#12 payload a certificate-authenticated IPSec dict points at. */
static plist_t payload_by_uuid(plist_t root, const char *uuid)
{
	plist_t content = item(root, "PayloadContent");

	for (uint32_t i = 0; content && plist_get_node_type(content) == PLIST_ARRAY &&
			     i < plist_array_get_size(content); i++) {
		plist_t p = plist_array_get_item(content, i);
		char *u = str(p, "PayloadUUID");
		bool match = u && !strcmp(u, uuid);

		free(u);
		if (match)
			return p;
	}
	return NULL;
}

/* A certificate payload's content (DER, or PEM text) as PEM; NULL if it is neither. */
static char *cert_pem(const unsigned char *d, size_t len)
{
	const unsigned char *p = d;
	X509 *cert = len <= RV_IMPORT_MAX_SIZE ? d2i_X509(NULL, &p, (long)len) : NULL;
	BIO *b;
	char *data, *pem = NULL;
	long n;

	if (cert && p != d + len)
		X509_free(cert), cert = NULL;   /* trailing bytes: not one certificate */
	if (!cert && len <= RV_IMPORT_MAX_SIZE && (b = BIO_new_mem_buf(d, (int)len))) {
		cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	ERR_clear_error();
	if (!cert || !(b = BIO_new(BIO_s_mem())))
		goto out;
	if (PEM_write_bio_X509(b, cert) == 1 && (n = BIO_get_mem_data(b, &data)) > 0)
		pem = rvi_strndup(data, (size_t)n);
	BIO_free(b);
out:
	X509_free(cert);
	return pem;
}

/* The first CA payload of the profile becomes [ipsec] ca (a file the caller saves). */
static void map_ca(struct mc_ctx *x)
{
	plist_t content = item(x->root, "PayloadContent");

	for (uint32_t i = 0; content && plist_get_node_type(content) == PLIST_ARRAY &&
			     i < plist_array_get_size(content); i++) {
		plist_t p = plist_array_get_item(content, i);
		char *type = str(p, "PayloadType"), *pem = NULL, *file;
		unsigned char *d = NULL;
		size_t len = 0;

		if (type && !strcmp(type, "com.apple.security.root") &&
		    (d = bytes(p, "PayloadContent", &len)))
			pem = cert_pem(d, len);
		free(type);
		free(d);
		if (!pem)
			continue;
		file = rvi_printf("%s-ca.pem", x->c->name[0] ? x->c->name : "imported");
		rvi_file(x->c, "ipsec.ca", file, (unsigned char *)pem, strlen(pem), false);
		rvi_note(x->c, RV_NOTE_TAKEN, "com.apple.security.root", "CA certificate for "
									 "[ipsec] ca");
		free(file);
		free(pem);
		return;
	}
	rvi_info(x->c, "com.apple.security.root", "no CA certificate in the profile: give "
						  "[ipsec] ca, the gateway's certificate is checked "
						  "against it");
}

static int map_cert(struct mc_ctx *x)
{
	char *uuid = str(x->ipsec, "PayloadCertificateUUID"), *pw, *file;
	plist_t p12 = uuid ? payload_by_uuid(x->root, uuid) : NULL;
	unsigned char *der = NULL;
	size_t len = 0;

	free(uuid);
	rvi_take(x->c, "IPSec AuthenticationMethod", "ipsec", "auth", "cert");
	map_ca(x);
	if (p12)
		der = bytes(p12, "PayloadContent", &len);
	if (!der || !len) {
		/* an empty payload still has its one-byte copy (found by fuzz-import-plist) */
		free(der);
		rvi_missing(x->c, "ipsec.cert");
		rvi_info(x->c, "IPSec PayloadCertificateUUID", "no PKCS#12 payload for it in the "
							       "profile: give [ipsec] cert");
		return 0;
	}
	file = rvi_printf("%s.p12", x->c->name[0] ? x->c->name : "imported");
	rvi_file(x->c, "ipsec.cert", file, der, len, true);
	rvi_note(x->c, RV_NOTE_TAKEN, "com.apple.security.pkcs12", "PKCS#12 identity (%zu bytes) "
								  "for [ipsec] cert", len);
	free(file);
	explicit_bzero(der, len);
	free(der);
	if ((pw = str(p12, "Password")) && *pw)
		rvi_secret(x->c, "PKCS#12 Password", "key-password", pw);
	else
		rvi_info(x->c, "PKCS#12 Password", "not in the profile: roadvpn asks at connect time");
	rvi_free_secret(pw);
	return 0;
}

static void map_psk(struct mc_ctx *x)
{
	size_t len = 0;
	unsigned char *psk = bytes(x->ipsec, "SharedSecret", &len);
	char *local = str(x->ipsec, "LocalIdentifier");

	if (psk && len && !memchr(psk, '\0', len)) {
		char *s = rvi_strndup((char *)psk, len);

		rvi_secret(x->c, "IPSec SharedSecret", "psk", s);
		rvi_free_secret(s);
	} else {
		rvi_take(x->c, "IPSec SharedSecret", "ipsec", "psk-flags", "ask");
		rvi_info(x->c, "IPSec SharedSecret", "not in the profile: roadvpn asks at connect "
						     "time");
	}
	if (local && rvi_text_valid(local, 256)) {
		char *id = rvi_printf("keyid:%s", local);

		/* Apple sends a group name as ID_KEY_ID in Aggressive Mode */
		rvi_take(x->c, "IPSec LocalIdentifier", "ipsec", "local-id", id);
		rvi_take(x->c, "IPSec LocalIdentifier", "ipsec", "mode", "aggressive");
		rvi_info(x->c, "IPSec LocalIdentifier", "a group name makes Apple use Aggressive "
							"Mode; roadvpn does the same (it exposes the "
							"PSK to offline guessing)");
		free(id);
	}
	if (psk)
		explicit_bzero(psk, len);
	free(psk);
	free(local);
}

static int map_ipsec(struct mc_ctx *x)
{
	char *method = str(x->ipsec, "AuthenticationMethod");
	int err = 0;

	rvi_take(x->c, "VPNType", "ipsec", "enabled", "true");
	if (method && !strcmp(method, "Certificate"))
		err = map_cert(x);
	else if (!method || !strcmp(method, "SharedSecret"))
		map_psk(x);
	else
		err = rvi_fail(x->error, ENOTSUP, "IPSec AuthenticationMethod: \"%.32s\" is neither "
						  "SharedSecret nor Certificate", method);
	free(method);
	return err;
}

static void map_ip(struct mc_ctx *x)
{
	static const char *const lost[] = { "DNS", "Proxies", "OnDemandEnabled", "OnDemandRules",
					    "VendorConfig" };
	int primary = flag(x->ipv4, "OverridePrimary");

	if (primary == 1)
		rvi_take(x->c, "IPv4 OverridePrimary", "ip", "default-route", "true");
	if (primary == 0) {
		rvi_take(x->c, "IPv4 OverridePrimary", "ip", "default-route", "false");
		rvi_info(x->c, "IPv4 OverridePrimary", "split tunnel: the profile holds no routes; "
						       "add [ip] routes=");
	}
	for (size_t i = 0; i < sizeof(lost) / sizeof(lost[0]); i++) {
		if (item(x->vpn, lost[i]))
			rvi_left(x->c, lost[i], "not supported by roadvpn");
	}
}

static int map_vpn(struct mc_ctx *x, const struct rv_import_options *opts)
{
	int err;

	if ((err = map_gateway(x)) < 0 || (err = check_eap(x)) < 0 || (err = map_ipsec(x)) < 0)
		return err;
	map_ppp(x, opts);
	map_ip(x);
	return 0;
}

/* Why a VPN payload is not ours, or NULL when it is L2TP. */
static char *not_l2tp(plist_t p)
{
	char *type = str(p, "VPNType"), *why = NULL;

	if (!type)
		why = rvi_strdup(_("VPNType: missing"));
	else if (strcmp(type, "L2TP"))
		why = rvi_printf(_("VPNType: \"%.32s\" is not L2TP; roadvpn imports L2TP/IPsec "
				   "connections only"), type);
	free(type);
	return why;
}

static int import_payload(plist_t root, plist_t p, const struct rv_import_options *opts,
			  struct rv_import_result *r, char **error)
{
	char *name = str(p, "UserDefinedName");
	struct mc_ctx x = { .root = root, .vpn = p, .error = error };
	int err;

	if (!name || !rvi_text_valid(name, 256)) {
		free(name);
		name = str(p, "PayloadDisplayName");
	}
	x.c = rvi_conn_new(name && rvi_text_valid(name, 256) ? name : "");
	free(name);
	x.ppp = item(p, "PPP");
	x.ipsec = item(p, "IPSec");
	x.ipv4 = item(p, "IPv4");
	if (x.c->name[0])
		rvi_take(x.c, "UserDefinedName", "connection", "name", x.c->name);
	if ((err = map_vpn(&x, opts)) < 0) {
		rvi_conn_free(x.c);
		return err;
	}
	rvi_result_add(r, x.c);
	return 0;
}

static bool is_vpn_payload(plist_t p)
{
	char *type = str(p, "PayloadType");
	bool yes = type && !strcmp(type, VPN_PAYLOAD);

	free(type);
	return yes;
}

static bool wanted(plist_t p, const struct rv_import_options *opts)
{
	char *name = str(p, "UserDefinedName");
	bool yes = !opts || !opts->entry || (name && !strcmp(name, opts->entry));

	free(name);
	return yes;
}

static int import_root(plist_t root, const struct rv_import_options *opts,
		       struct rv_import_result *r, char **error)
{
	plist_t content = item(root, "PayloadContent");
	char *first_why = NULL;
	int err = 0;

	if (!content || plist_get_node_type(content) != PLIST_ARRAY)
		return rvi_fail(error, EINVAL, "PayloadContent: missing; not a configuration profile");
	for (uint32_t i = 0; i < plist_array_get_size(content) && !err; i++) {
		plist_t p = plist_array_get_item(content, i);
		char *why;

		if (!is_vpn_payload(p) || !wanted(p, opts))
			continue;
		if ((why = not_l2tp(p))) {
			rvi_result_note(r, RV_NOTE_INFO, "VPN payload", "skipped: %s", why);
			if (!first_why)
				first_why = why;
			else
				free(why);
			continue;
		}
		err = import_payload(root, p, opts, r, error);
	}
	if (!err && !r->n_conns && first_why)
		err = rvi_fail_text(error, ENOTSUP, first_why);
	free(first_why);
	return err;
}

static int parse_plist(const unsigned char *d, size_t len, plist_t *ret, char **error)
{
	bool bin = len >= 8 && !memcmp(d, "bplist00", 8);
	int err = bin ? rvi_plist_check_bin(d, len, error)
		      : rvi_plist_check_xml((const char *)d, len, error);

	*ret = NULL;
	if (err < 0)
		return err;
	if (bin)
		plist_from_bin((const char *)d, (uint32_t)len, ret);
	else
		plist_from_xml((const char *)d, (uint32_t)len, ret);
	if (!*ret || plist_get_node_type(*ret) != PLIST_DICT)
		return bin ? rvi_fail(error, EBADMSG, "not a valid binary property list")
			   : rvi_fail(error, EBADMSG, "not a valid XML property list");
	return 0;
}

int rvi_import_mobileconfig(const unsigned char *d, size_t len,
			    const struct rv_import_options *opts, struct rv_import_result *r,
			    char **error)
{
	struct rvi_buf inner = { 0 };
	plist_t root = NULL;
	bool cms = is_cms(d, len), bin;
	int err = 0;

	if (cms && (err = cms_unwrap(d, len, opts, r, &inner, error)) < 0)
		goto out;
	if (cms) {
		d = (const unsigned char *)inner.p;
		len = inner.len;
	}
	if ((err = parse_plist(d, len, &root, error)) < 0)
		goto out;
	bin = len >= 8 && !memcmp(d, "bplist00", 8);
	if (bin)
		r->format_detail = rvi_strdup(cms ? _("binary property list, CMS-signed")
						  : _("binary property list, not signed"));
	else
		r->format_detail = rvi_strdup(cms ? _("XML property list, CMS-signed")
						  : _("XML property list, not signed"));
	err = import_root(root, opts, r, error);
out:
	if (root)
		plist_free(root);
	if (inner.p)
		explicit_bzero(inner.p, inner.len);
	free(inner.p);
	return err;
}

/* ---- export ---- */

static void set_str(plist_t d, const char *key, const char *v)
{
	if (v)
		plist_dict_set_item(d, key, plist_new_string(v));
}

static plist_t export_ppp(const struct rvi_profile *p)
{
	plist_t ppp = plist_new_dict();

	set_str(ppp, "CommRemoteAddress", rvi_profile_get(p, "connection", "gateway"));
	set_str(ppp, "AuthName", rvi_profile_get(p, "ppp", "user"));
	set_str(ppp, "AuthPassword", rvi_profile_secret(p, "password"));
	return ppp;
}

static plist_t export_ipsec(const struct rvi_profile *p, struct rvi_conn *n)
{
	plist_t ipsec = plist_new_dict();
	const char *psk = rvi_profile_secret(p, "psk");
	const char *local = rvi_profile_get(p, "ipsec", "local-id");

	plist_dict_set_item(ipsec, "AuthenticationMethod", plist_new_string("SharedSecret"));
	if (psk)
		plist_dict_set_item(ipsec, "SharedSecret", plist_new_data(psk, strlen(psk)));
	else
		rvi_left(n, "psk", "no pre-shared key given: the device asks for it");
	if (local && !strncmp(local, "keyid:", 6)) {
		set_str(ipsec, "LocalIdentifier", local + 6);
		set_str(ipsec, "LocalIdentifierType", "KeyID");
	}
	return ipsec;
}

static void export_notes(const struct rvi_profile *p, struct rvi_conn *n)
{
	static const struct rvi_lost lost[] = {
		{ "ipsec", "ike", N_("Apple picks its own proposals") },
		{ "ipsec", "esp", N_("Apple picks its own proposals") },
		{ "ipsec", "pfs", N_("Apple picks its own proposals") },
		{ "ipsec", "remote-id", N_("Apple's L2TP payload has no remote identifier") },
		{ "ip", "routes", N_("Apple's L2TP payload has no routes") },
		{ "ppp", "mtu", N_("set by the device") },
		{ "ppp", "mru", N_("set by the device") },
		{ "ppp", "auth", N_("the device negotiates MS-CHAPv2 itself") },
		{ "l2tp", "secret", N_("Apple has no L2TP tunnel secret") },
	};

	rvi_note_lost(p, n, lost, sizeof(lost) / sizeof(lost[0]));
}

static plist_t vpn_payload(const struct rvi_profile *p, const char *name, struct rvi_conn *n)
{
	plist_t vpn = plist_new_dict(), ipv4 = plist_new_dict();
	char *uuid = rvi_new_uuid(), *id = rvi_printf("org.roadvpn.import.vpn.%s", uuid);
	int def = rvi_parse_bool(rvi_profile_get(p, "ip", "default-route"));

	set_str(vpn, "PayloadType", VPN_PAYLOAD);
	plist_dict_set_item(vpn, "PayloadVersion", plist_new_uint(1));
	set_str(vpn, "PayloadIdentifier", id);
	set_str(vpn, "PayloadUUID", uuid);
	set_str(vpn, "PayloadDisplayName", name);
	set_str(vpn, "UserDefinedName", name);
	set_str(vpn, "VPNType", "L2TP");
	plist_dict_set_item(vpn, "PPP", export_ppp(p));
	plist_dict_set_item(vpn, "IPSec", export_ipsec(p, n));
	plist_dict_set_item(ipv4, "OverridePrimary", plist_new_uint(def != 0));
	plist_dict_set_item(vpn, "IPv4", ipv4);
	free(uuid);
	free(id);
	return vpn;
}

int rvi_export_mobileconfig(const struct rvi_profile *p, struct rvi_buf *out, struct rvi_conn *n,
			    char **error)
{
	const char *gw = rvi_profile_get(p, "connection", "gateway");
	const char *name = rvi_profile_get(p, "connection", "name");
	const char *auth = rvi_profile_get(p, "ipsec", "auth");
	plist_t root, content;
	char *uuid, *id, *xml = NULL;
	uint32_t len = 0;

	if (rvi_parse_bool(rvi_profile_get(p, "ipsec", "enabled")) == 0)
		return rvi_fail(error, ENOTSUP, "[ipsec] enabled=false: Apple's L2TP always uses "
						"IPsec");
	if (auth && !strcmp(auth, "cert"))
		return rvi_fail(error, ENOTSUP, "[ipsec] auth=cert: export the certificate as a "
						"PKCS#12 payload by hand; only PSK profiles are written");
	name = name ? name : gw;
	root = plist_new_dict();
	content = plist_new_array();
	plist_array_append_item(content, vpn_payload(p, name, n));
	uuid = rvi_new_uuid();
	id = rvi_printf("org.roadvpn.import.%s", uuid);
	plist_dict_set_item(root, "PayloadContent", content);
	set_str(root, "PayloadDisplayName", name);
	set_str(root, "PayloadIdentifier", id);
	set_str(root, "PayloadType", "Configuration");
	set_str(root, "PayloadUUID", uuid);
	plist_dict_set_item(root, "PayloadVersion", plist_new_uint(1));
	plist_to_xml(root, &xml, &len);
	if (xml)
		rvi_buf_add(out, xml, len);
	if (xml) {
		explicit_bzero(xml, len);
		plist_to_xml_free(xml);
	}
	plist_free(root);
	free(uuid);
	free(id);
	export_notes(p, n);
	if (rvi_profile_secret(p, "psk") || rvi_profile_secret(p, "password"))
		rvi_info(n, "secrets", "the file holds the PSK/password: hand it over privately");
	return 0;
}
