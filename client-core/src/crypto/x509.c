/*
 * X.509 over OpenSSL 3 for IKEv1 signatures; see x509.h.
 *
 * Chain checks are OpenSSL's X509_verify_cert() with no purpose set (a
 * gateway certificate with only ikeIntermediate in its EKU, as strongSwan's
 * `pki --flag ikeIntermediate` makes, would fail the TLS server purpose);
 * key usage and EKU of the leaf are checked here as RFC 4945 §5.1.3 asks.
 * DN comparison uses X509_NAME_cmp(), whose canonical encoding folds case
 * and collapses white space (RFC 4945 §3.1.5 leaves the details open).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto.h"
#include "x509.h"

#define OID_IKE_INTERMEDIATE "1.3.6.1.5.5.8.2.2"

struct rv_x509_cert {
	X509 *x;
};

struct rv_x509_cred {
	struct rv_x509_cert *cert;
	struct rv_x509_cert **chain;
	size_t n_chain;
	EVP_PKEY *key;
};

struct rv_x509_store {
	X509_STORE *store;
	STACK_OF(X509) *anchors;
};

static __attribute__((format(printf, 3, 4))) void set_err(char *err, size_t size,
							   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (err && size)
		vsnprintf(err, size, fmt, ap);
	va_end(ap);
	ERR_clear_error();
}

static struct rv_x509_cert *wrap(X509 *x)
{
	struct rv_x509_cert *c;

	if (!x)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		X509_free(x);
		return NULL;
	}
	c->x = x;
	return c;
}

struct rv_x509_cert *rv_x509_cert_from_der(const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;

	if (len > 65535)
		return NULL;
	x = d2i_X509(NULL, &p, (long)len);
	/* trailing bytes are not part of a certificate payload */
	if (x && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return wrap(x);
}

struct rv_x509_cert *rv_x509_cert_load(const char *path, char *err, size_t err_size)
{
	BIO *bio = BIO_new_file(path, "r");
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	if (!x)
		set_err(err, err_size, "%s: no PEM certificate", path);
	return wrap(x);
}

void rv_x509_cert_free(struct rv_x509_cert *c)
{
	if (!c)
		return;
	X509_free(c->x);
	free(c);
}

static int copy_der(int len, unsigned char *der, uint8_t *out, size_t cap, size_t *ret_len)
{
	if (len <= 0 || !der)
		return -EIO;
	if ((size_t)len > cap) {
		OPENSSL_free(der);
		return -ENOSPC;
	}
	memcpy(out, der, (size_t)len);
	OPENSSL_free(der);
	*ret_len = (size_t)len;
	return 0;
}

int rv_x509_cert_der(const struct rv_x509_cert *c, uint8_t *out, size_t cap, size_t *ret_len)
{
	unsigned char *der = NULL;
	int len = i2d_X509(c->x, &der);

	return copy_der(len, der, out, cap, ret_len);
}

int rv_x509_cert_subject_der(const struct rv_x509_cert *c, uint8_t *out, size_t cap,
			     size_t *ret_len)
{
	unsigned char *der = NULL;
	int len = i2d_X509_NAME(X509_get_subject_name(c->x), &der);

	return copy_der(len, der, out, cap, ret_len);
}

/* A NUL-terminated copy of a memory BIO, cut to size; control bytes shown as '?'. */
static void bio_to_text(BIO *bio, char *out, size_t size)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);
	size_t len = n > 0 ? (size_t)n : 0;

	if (!size)
		return;
	if (len >= size)
		len = size - 1;
	for (size_t i = 0; i < len; i++)
		out[i] = (unsigned char)data[i] < 0x20 || data[i] == 0x7f ? '?' : data[i];
	out[len] = '\0';
}

static void name_text(const X509_NAME *name, char *out, size_t size)
{
	unsigned long flags = (XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN | ASN1_STRFLGS_RFC2253) &
			      ~ASN1_STRFLGS_ESC_MSB;
	BIO *bio = BIO_new(BIO_s_mem());

	if (size)
		out[0] = '\0';
	if (!bio || !name) {
		BIO_free(bio);
		return;
	}
	X509_NAME_print_ex(bio, name, 0, flags);
	bio_to_text(bio, out, size);
	BIO_free(bio);
}

void rv_x509_cert_subject_text(const struct rv_x509_cert *c, char *out, size_t size)
{
	name_text(X509_get_subject_name(c->x), out, size);
}

static __attribute__((format(printf, 4, 5))) void append(char *out, size_t size, size_t *at,
							 const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*at >= size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *at, size - *at, fmt, ap);
	va_end(ap);
	if (n > 0)
		*at = *at + (size_t)n < size ? *at + (size_t)n : size - 1;
}

/* The CN, or the whole subject when there is none. */
static void describe_subject(X509 *x, char *out, size_t size, size_t *at)
{
	X509_NAME *name = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	BIO *bio = BIO_new(BIO_s_mem());
	char text[160];

	if (i < 0 || !bio) {
		BIO_free(bio);
		name_text(name, text, sizeof(text));
		append(out, size, at, "%s", text);
		return;
	}
	ASN1_STRING_print_ex(bio, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)),
			     ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	bio_to_text(bio, text, sizeof(text));
	BIO_free(bio);
	append(out, size, at, "CN=%s", text);
}

static void describe_san(const GENERAL_NAME *g, char *out, size_t size, size_t *at,
			 bool first)
{
	char text[128], sep[8];
	size_t len;

	snprintf(sep, sizeof(sep), "%s", first ? ", SAN " : ", ");
	switch (g->type) {
	case GEN_DNS:
	case GEN_EMAIL:
		len = (size_t)ASN1_STRING_length(g->d.ia5);
		if (len >= sizeof(text))
			len = sizeof(text) - 1;
		for (size_t i = 0; i < len; i++) {
			char ch = (char)ASN1_STRING_get0_data(g->d.ia5)[i];

			text[i] = ch < 0x20 || ch == 0x7f ? '?' : ch;
		}
		text[len] = '\0';
		append(out, size, at, "%s", sep);
		append(out, size, at, "%s:%s", g->type == GEN_DNS ? "DNS" : "email", text);
		return;
	case GEN_IPADD:
		if (ASN1_STRING_length(g->d.ip) == 4)
			inet_ntop(AF_INET, ASN1_STRING_get0_data(g->d.ip), text, sizeof(text));
		else if (ASN1_STRING_length(g->d.ip) == 16)
			inet_ntop(AF_INET6, ASN1_STRING_get0_data(g->d.ip), text, sizeof(text));
		else
			snprintf(text, sizeof(text), "?");
		append(out, size, at, "%s", sep);
		append(out, size, at, "IP:%s", text);
		return;
	}
}

void rv_x509_cert_describe(const struct rv_x509_cert *c, char *out, size_t size)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(c->x, NID_subject_alt_name, NULL, NULL);
	size_t at = 0;
	bool first = true;

	if (!size)
		return;
	out[0] = '\0';
	describe_subject(c->x, out, size, &at);
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);

		if (g->type != GEN_DNS && g->type != GEN_EMAIL && g->type != GEN_IPADD)
			continue;
		describe_san(g, out, size, &at, first);
		first = false;
	}
	GENERAL_NAMES_free(sans);
	ERR_clear_error();
}

bool rv_x509_cert_is_rsa(const struct rv_x509_cert *c)
{
	EVP_PKEY *k = X509_get0_pubkey(c->x);

	return k && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA;
}

/* ---- credentials ---- */

static int password_cb(char *buf, int size, int rwflag, void *u)
{
	const struct rv_secret *pw = u;
	const uint8_t *bytes;
	size_t len;

	(void)rwflag;
	if (!pw)
		return -1;
	bytes = rv_secret_reveal(pw, &len);
	if (len > (size_t)size)
		return -1;
	memcpy(buf, bytes, len);
	return (int)len;
}

/* The leaf and the intermediates that follow it in a PEM file. */
static int read_pem_certs(BIO *bio, struct rv_x509_cred *c)
{
	X509 *x;

	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		struct rv_x509_cert *w = wrap(x), **chain;

		if (!w)
			return -ENOMEM;
		if (!c->cert) {
			c->cert = w;
			continue;
		}
		chain = realloc(c->chain, (c->n_chain + 1) * sizeof(*chain));
		if (!chain) {
			rv_x509_cert_free(w);
			return -ENOMEM;
		}
		c->chain = chain;
		c->chain[c->n_chain++] = w;
	}
	ERR_clear_error();
	return c->cert ? 0 : -ENOENT;
}

static int add_chain(struct rv_x509_cred *c, STACK_OF(X509) *ca)
{
	int n = ca ? sk_X509_num(ca) : 0;

	if (n == 0)
		return 0;
	c->chain = calloc((size_t)n, sizeof(*c->chain));
	if (!c->chain)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		X509 *x = sk_X509_value(ca, i);

		X509_up_ref(x);
		c->chain[c->n_chain] = wrap(x);
		if (!c->chain[c->n_chain])
			return -ENOMEM;
		c->n_chain++;
	}
	return 0;
}

static int read_pkcs12(BIO *bio, const struct rv_secret *password, struct rv_x509_cred *c)
{
	PKCS12 *p12 = d2i_PKCS12_bio(bio, NULL);
	STACK_OF(X509) *ca = NULL;
	X509 *x = NULL;
	char pw[256] = "";
	int r = -EBADMSG;

	if (!p12)
		return -ENOENT;
	if (password && password_cb(pw, sizeof(pw) - 1, 0, (void *)password) < 0) {
		PKCS12_free(p12);
		return -EINVAL;
	}
	if (PKCS12_parse(p12, pw, &c->key, &x, &ca) == 1 && x && c->key) {
		c->cert = wrap(x);
		x = NULL;
		r = c->cert ? add_chain(c, ca) : -ENOMEM;
	}
	rv_wipe(pw, sizeof(pw));
	X509_free(x);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	return r;
}

static int read_key(const char *key_file, const struct rv_secret *password,
		    struct rv_x509_cred *c, char *err, size_t err_size)
{
	BIO *bio = BIO_new_file(key_file, "r");

	if (!bio) {
		set_err(err, err_size, "key %s: cannot read it", key_file);
		return -ENOENT;
	}
	c->key = PEM_read_bio_PrivateKey(bio, NULL, password_cb, (void *)password);
	BIO_free(bio);
	if (!c->key) {
		set_err(err, err_size,
			password ? "key %s: not a PEM private key, or the password is wrong"
				 : "key %s: not a PEM private key (or encrypted: a password is needed)",
			key_file);
		return -EINVAL;
	}
	return 0;
}

static int load_certs(const char *cert_file, const struct rv_secret *password,
		      struct rv_x509_cred *c, bool *ret_p12, char *err, size_t err_size)
{
	BIO *bio = BIO_new_file(cert_file, "rb");
	int r;

	if (!bio) {
		set_err(err, err_size, "certificate %s: cannot read it", cert_file);
		return -ENOENT;
	}
	r = read_pem_certs(bio, c);
	*ret_p12 = false;
	if (r == -ENOENT && BIO_reset(bio) == 0) {
		r = read_pkcs12(bio, password, c);
		*ret_p12 = r != -ENOENT;
	}
	BIO_free(bio);
	if (r == -ENOENT)
		set_err(err, err_size, "certificate %s: neither PEM nor PKCS#12", cert_file);
	else if (r < 0)
		set_err(err, err_size, "certificate %s: cannot open the PKCS#12 bundle (wrong "
				       "password?)", cert_file);
	return r;
}

static int check_pair(struct rv_x509_cred *c, const char *cert_file, char *err,
		      size_t err_size)
{
	if (EVP_PKEY_get_base_id(c->key) != EVP_PKEY_RSA) {
		set_err(err, err_size, "key for %s: not an RSA key (IKEv1 signatures need RSA)",
			cert_file);
		return -EINVAL;
	}
	if (X509_check_private_key(c->cert->x, c->key) != 1) {
		set_err(err, err_size, "key does not belong to the certificate %s", cert_file);
		return -EINVAL;
	}
	return 0;
}

struct rv_x509_cred *rv_x509_cred_load(const char *cert_file, const char *key_file,
				       const struct rv_secret *password, char *err,
				       size_t err_size)
{
	struct rv_x509_cred *c = calloc(1, sizeof(*c));
	bool is_p12 = false;
	int r = c ? 0 : -ENOMEM;

	if (r == 0)
		r = load_certs(cert_file, password, c, &is_p12, err, err_size);
	if (r == 0 && !is_p12 && !key_file) {
		set_err(err, err_size, "certificate %s: a private key file is needed", cert_file);
		r = -EINVAL;
	}
	if (r == 0 && !is_p12)
		r = read_key(key_file, password, c, err, err_size);
	if (r == 0)
		r = check_pair(c, cert_file, err, err_size);
	if (r < 0) {
		rv_x509_cred_free(c);
		return NULL;
	}
	return c;
}

void rv_x509_cred_free(struct rv_x509_cred *c)
{
	if (!c)
		return;
	rv_x509_cert_free(c->cert);
	for (size_t i = 0; i < c->n_chain; i++)
		rv_x509_cert_free(c->chain[i]);
	free(c->chain);
	EVP_PKEY_free(c->key);
	free(c);
}

const struct rv_x509_cert *rv_x509_cred_cert(const struct rv_x509_cred *c)
{
	return c->cert;
}

size_t rv_x509_cred_chain_len(const struct rv_x509_cred *c)
{
	return c->n_chain;
}

const struct rv_x509_cert *rv_x509_cred_chain(const struct rv_x509_cred *c, size_t i)
{
	return i < c->n_chain ? c->chain[i] : NULL;
}

size_t rv_x509_cred_sig_len(const struct rv_x509_cred *c)
{
	int n = EVP_PKEY_get_size(c->key);

	return n > 0 ? (size_t)n : 0;
}

/* No signature digest set: OpenSSL pads the input as it is (PKCS#1 v1.5 type 1). */
static EVP_PKEY_CTX *raw_ctx(EVP_PKEY *key, bool sign)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);

	if (!ctx)
		return NULL;
	if ((sign ? EVP_PKEY_sign_init(ctx) : EVP_PKEY_verify_init(ctx)) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) {
		EVP_PKEY_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

int rv_x509_sign_raw(const struct rv_x509_cred *c, const uint8_t *data, size_t len,
		     uint8_t *sig, size_t cap, size_t *ret_len)
{
	EVP_PKEY_CTX *ctx = raw_ctx(c->key, true);
	size_t n = cap;
	int ok;

	if (!ctx)
		return -EIO;
	ok = EVP_PKEY_sign(ctx, sig, &n, data, len) > 0;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	if (!ok)
		return -EIO;
	*ret_len = n;
	return 0;
}

int rv_x509_verify_raw(const struct rv_x509_cert *c, const uint8_t *data, size_t len,
		       const uint8_t *sig, size_t sig_len)
{
	EVP_PKEY *key = X509_get0_pubkey(c->x);
	EVP_PKEY_CTX *ctx;
	int ok;

	if (!key || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)
		return -EBADMSG;
	ctx = raw_ctx(key, false);
	if (!ctx)
		return -EIO;
	ok = EVP_PKEY_verify(ctx, sig, sig_len, data, len) == 1;
	EVP_PKEY_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : -EBADMSG;
}

/* ---- trust anchors ---- */

struct rv_x509_store *rv_x509_store_load(const char *ca_file, char *err, size_t err_size)
{
	struct rv_x509_store *s = calloc(1, sizeof(*s));
	BIO *bio = BIO_new_file(ca_file, "r");
	X509 *x;

	if (!s || !bio || !(s->store = X509_STORE_new()) || !(s->anchors = sk_X509_new_null())) {
		set_err(err, err_size, "CA %s: cannot read it", ca_file);
		goto fail;
	}
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (X509_STORE_add_cert(s->store, x) != 1 || !sk_X509_push(s->anchors, x)) {
			X509_free(x);
			set_err(err, err_size, "CA %s: cannot use a certificate in it", ca_file);
			goto fail;
		}
	}
	ERR_clear_error();
	if (sk_X509_num(s->anchors) == 0) {
		set_err(err, err_size, "CA %s: no PEM certificate in it", ca_file);
		goto fail;
	}
	BIO_free(bio);
	return s;
fail:
	BIO_free(bio);
	rv_x509_store_free(s);
	return NULL;
}

void rv_x509_store_free(struct rv_x509_store *s)
{
	if (!s)
		return;
	X509_STORE_free(s->store);
	sk_X509_pop_free(s->anchors, X509_free);
	free(s);
}

size_t rv_x509_store_count(const struct rv_x509_store *s)
{
	return (size_t)sk_X509_num(s->anchors);
}

int rv_x509_store_ca_name_der(const struct rv_x509_store *s, size_t i, uint8_t *out, size_t cap,
			      size_t *ret_len)
{
	struct rv_x509_cert c = { .x = sk_X509_value(s->anchors, (int)i) };

	if (!c.x)
		return -ENOENT;
	return rv_x509_cert_subject_der(&c, out, cap, ret_len);
}

/* ---- verification ---- */

static void time_text(const ASN1_TIME *t, char *out, size_t size)
{
	struct tm tm;

	if (!t || ASN1_TIME_to_tm(t, &tm) != 1 ||
	    !strftime(out, size, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(out, size, "?");
}

static enum rv_x509_verdict verdict_of(int e)
{
	switch (e) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		return RV_X509_UNKNOWN_CA;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return RV_X509_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return RV_X509_NOT_YET_VALID;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
		return RV_X509_BAD_SIGNATURE;
	}
	return RV_X509_INVALID;
}

/* One line on why the chain failed, naming the certificate at fault. */
static void chain_error(X509_STORE_CTX *ctx, enum rv_x509_verdict v, char *err, size_t size)
{
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	struct rv_x509_cert c = { .x = x };
	char who[160], when[40], issuer[120];

	if (x)
		rv_x509_cert_describe(&c, who, sizeof(who));
	else
		snprintf(who, sizeof(who), "?");
	switch (v) {
	case RV_X509_UNKNOWN_CA:
		name_text(x ? X509_get_issuer_name(x) : NULL, issuer, sizeof(issuer));
		snprintf(err, size, "certificate %.150s was issued by %.90s, not by a CA the "
			 "profile trusts (ca=)", who, issuer);
		return;
	case RV_X509_EXPIRED:
		time_text(x ? X509_get0_notAfter(x) : NULL, when, sizeof(when));
		snprintf(err, size, "%scertificate %.150s expired on %s", depth ? "CA " : "", who,
			 when);
		return;
	case RV_X509_NOT_YET_VALID:
		time_text(x ? X509_get0_notBefore(x) : NULL, when, sizeof(when));
		snprintf(err, size, "%scertificate %.150s is not valid before %s",
			 depth ? "CA " : "", who, when);
		return;
	case RV_X509_OK:
	case RV_X509_BAD_USAGE:
	case RV_X509_BAD_SIGNATURE:
	case RV_X509_INVALID:
		break;
	}
	snprintf(err, size, "certificate %.150s: %s", who,
		 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
}

static bool eku_allows_ike(X509 *x)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	bool ok = false;

	if (!eku)
		return !(X509_get_extension_flags(x) & EXFLAG_XKUSAGE);
	for (int i = 0; !ok && i < sk_ASN1_OBJECT_num(eku); i++) {
		const ASN1_OBJECT *o = sk_ASN1_OBJECT_value(eku, i);
		int nid = OBJ_obj2nid(o);
		char oid[64];

		ok = nid == NID_server_auth || nid == NID_ipsec_IKE ||
		     nid == NID_anyExtendedKeyUsage ||
		     (OBJ_obj2txt(oid, sizeof(oid), o, 1) > 0 && !strcmp(oid, OID_IKE_INTERMEDIATE));
	}
	EXTENDED_KEY_USAGE_free(eku);
	return ok;
}

static enum rv_x509_verdict check_usage(X509 *x, char *err, size_t size)
{
	struct rv_x509_cert c = { .x = x };
	uint32_t ku = X509_get_key_usage(x);
	char who[160];

	rv_x509_cert_describe(&c, who, sizeof(who));
	if (ku != UINT32_MAX && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
		snprintf(err, size, "certificate %.150s: its key usage does not allow signatures "
			 "(no digitalSignature)", who);
		return RV_X509_BAD_USAGE;
	}
	if (!eku_allows_ike(x)) {
		snprintf(err, size, "certificate %.150s: its extended key usage is not for a "
			 "server (no serverAuth or ikeIntermediate)", who);
		return RV_X509_BAD_USAGE;
	}
	return RV_X509_OK;
}

static STACK_OF(X509) *untrusted_stack(const struct rv_x509_cert *const *chain, size_t n)
{
	STACK_OF(X509) *st = sk_X509_new_null();

	for (size_t i = 0; st && i < n; i++)
		if (!sk_X509_push(st, chain[i]->x)) {
			sk_X509_free(st);
			return NULL;
		}
	return st;
}

enum rv_x509_verdict rv_x509_verify(const struct rv_x509_store *s,
				    const struct rv_x509_cert *leaf,
				    const struct rv_x509_cert *const *chain, size_t n, int64_t at,
				    char *err, size_t err_size)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = untrusted_stack(chain, n);
	enum rv_x509_verdict v = RV_X509_INVALID;
	char dummy[64];

	if (!err || !err_size)
		err = dummy, err_size = sizeof(dummy);
	snprintf(err, err_size, "certificate verification failed");
	if (!ctx || !untrusted || X509_STORE_CTX_init(ctx, s->store, leaf->x, untrusted) != 1)
		goto out;
	if (at)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), (time_t)at);
	if (X509_verify_cert(ctx) == 1) {
		v = check_usage(leaf->x, err, err_size);
	} else {
		v = verdict_of(X509_STORE_CTX_get_error(ctx));
		chain_error(ctx, v, err, err_size);
	}
out:
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
	ERR_clear_error();
	return v;
}

/* ---- identities ---- */

/* Next "type=value" of a DN text into name; 1 with one added, 0 at the end, -1 bad. */
static int dn_next(const char **p, X509_NAME *name, bool *slashes)
{
	char type[32], value[256];
	size_t t = 0, v = 0;
	const char *s = *p;

	while (*s == ' ' || *s == ',' || *s == ';' || (*s == '/' && *slashes))
		s++;
	if (!*s)
		return 0;
	while (*s && *s != '=' && t < sizeof(type) - 1)
		type[t++] = *s++;
	while (t && type[t - 1] == ' ')
		t--;
	type[t] = '\0';
	if (*s++ != '=' || !t)
		return -1;
	while (*s == ' ')
		s++;
	while (*s && *s != ',' && *s != ';' && !(*s == '/' && *slashes) && v < sizeof(value) - 1) {
		if (*s == '\\' && s[1])
			s++;
		value[v++] = *s++;
	}
	while (v && value[v - 1] == ' ' && !(v > 1 && value[v - 2] == '\\'))
		v--;
	value[v] = '\0';
	*p = s;
	if (!strcasecmp(type, "E") || !strcasecmp(type, "email"))
		snprintf(type, sizeof(type), "emailAddress");
	/* "cn=" as well as "CN=": OpenSSL's short names are upper case */
	for (size_t i = 0; OBJ_txt2nid(type) == NID_undef && i < t; i++)
		type[i] = (char)toupper((unsigned char)type[i]);
	if (!v || OBJ_txt2nid(type) == NID_undef)
		return -1;
	return X509_NAME_add_entry_by_txt(name, type, MBSTRING_UTF8, (const unsigned char *)value,
					  -1, -1, 0) == 1 ? 1 : -1;
}

static X509_NAME *dn_parse(const char *text)
{
	X509_NAME *name = X509_NAME_new();
	bool slashes = text[0] == '/';
	const char *p = text;
	int r;

	if (!name)
		return NULL;
	while ((r = dn_next(&p, name, &slashes)) > 0)
		;
	if (r < 0 || X509_NAME_entry_count(name) == 0) {
		X509_NAME_free(name);
		name = NULL;
	}
	ERR_clear_error();
	return name;
}

static X509_NAME *dn_reversed(const X509_NAME *n)
{
	X509_NAME *r = X509_NAME_new();
	int count = X509_NAME_entry_count(n);

	for (int i = count - 1; r && i >= 0; i--)
		if (X509_NAME_add_entry(r, X509_NAME_get_entry(n, i), -1, 0) != 1) {
			X509_NAME_free(r);
			return NULL;
		}
	return r;
}

bool rv_x509_dn_valid(const char *text)
{
	X509_NAME *n = dn_parse(text);

	X509_NAME_free(n);
	return n != NULL;
}

bool rv_x509_match_dn(const struct rv_x509_cert *c, const char *text)
{
	const X509_NAME *subject = X509_get_subject_name(c->x);
	X509_NAME *n = dn_parse(text), *rev = n ? dn_reversed(n) : NULL;
	bool ok = n && (X509_NAME_cmp(n, subject) == 0 || (rev && X509_NAME_cmp(rev, subject) == 0));

	X509_NAME_free(n);
	X509_NAME_free(rev);
	ERR_clear_error();
	return ok;
}

bool rv_x509_match_dn_der(const struct rv_x509_cert *c, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	X509_NAME *n = len < 65536 ? d2i_X509_NAME(NULL, &p, (long)len) : NULL;
	bool ok = n && p == der + len && X509_NAME_cmp(n, X509_get_subject_name(c->x)) == 0;

	X509_NAME_free(n);
	ERR_clear_error();
	return ok;
}

/* Call match(ctx, entry) on every subjectAltName of a type; true at the first match. */
static bool any_san(const struct rv_x509_cert *c, int type,
		    bool (*match)(const void *ctx, const ASN1_STRING *s), const void *ctx)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(c->x, NID_subject_alt_name, NULL, NULL);
	bool ok = false;

	for (int i = 0; !ok && sans && i < sk_GENERAL_NAME_num(sans); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(sans, i);

		if (g->type == type)
			ok = match(ctx, type == GEN_IPADD ? g->d.ip : g->d.ia5);
	}
	GENERAL_NAMES_free(sans);
	ERR_clear_error();
	return ok;
}

struct name_match {
	const char *name;
	size_t len;
	bool allow_wildcard;
};

static size_t strip_dot(const char *s, size_t len)
{
	return len && s[len - 1] == '.' ? len - 1 : len;
}

static bool dns_match(const void *ctx, const ASN1_STRING *s)
{
	const struct name_match *m = ctx;
	const char *san = (const char *)ASN1_STRING_get0_data(s);
	size_t san_len = strip_dot(san, (size_t)ASN1_STRING_length(s));
	size_t len = strip_dot(m->name, m->len);
	const char *dot;

	if (memchr(san, '\0', san_len) || !san_len)
		return false;
	if (san_len == len && !strncasecmp(san, m->name, len) && !memchr(san, '*', san_len))
		return true;
	/* "*.example.net": exactly one leftmost label, never a partial one */
	if (!m->allow_wildcard || san_len < 3 || san[0] != '*' || san[1] != '.' ||
	    memchr(san + 1, '*', san_len - 1))
		return false;
	dot = memchr(m->name, '.', len);
	return dot && dot != m->name && (size_t)(m->name + len - dot) == san_len - 1 &&
	       !strncasecmp(dot, san + 1, san_len - 1) && memchr(san + 2, '.', san_len - 2);
}

bool rv_x509_match_dns(const struct rv_x509_cert *c, const char *name, size_t len,
		       bool allow_wildcard)
{
	struct name_match m = { name, len, allow_wildcard };

	return len && !memchr(name, '\0', len) && any_san(c, GEN_DNS, dns_match, &m);
}

static bool ip_match(const void *ctx, const ASN1_STRING *s)
{
	return ASN1_STRING_length(s) == 4 && !memcmp(ASN1_STRING_get0_data(s), ctx, 4);
}

bool rv_x509_match_ipv4(const struct rv_x509_cert *c, uint32_t addr)
{
	return any_san(c, GEN_IPADD, ip_match, &addr);
}

static bool email_match(const void *ctx, const ASN1_STRING *s)
{
	const struct name_match *m = ctx;

	return (size_t)ASN1_STRING_length(s) == m->len &&
	       !strncasecmp((const char *)ASN1_STRING_get0_data(s), m->name, m->len) &&
	       !memchr(m->name, '\0', m->len);
}

bool rv_x509_match_email(const struct rv_x509_cert *c, const char *email, size_t len)
{
	struct name_match m = { email, len, false };

	return len && any_san(c, GEN_EMAIL, email_match, &m);
}
