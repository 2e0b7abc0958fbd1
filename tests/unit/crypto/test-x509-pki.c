/* Throwaway PKI for the X.509 and IKE certificate tests; see test-x509-pki.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

#include "test-x509-pki.h"

#define MAX_FILES 64

static EVP_PKEY *keys[4];
static char dir[64];
static char paths[MAX_FILES][128];
static int n_paths;

static void cleanup(void)
{
	for (int i = 0; i < n_paths; i++)
		unlink(paths[i]);
	if (dir[0])
		rmdir(dir);
	for (int i = 0; i < 4; i++)
		EVP_PKEY_free(keys[i]);
}

static void ensure_dir(void)
{
	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "/tmp/rv-x509-test-XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
}

static const char *new_path(const char *name)
{
	char *p;

	ensure_dir();
	if (n_paths == MAX_FILES)
		abort();
	p = paths[n_paths++];
	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

EVP_PKEY *tp_key(int i)
{
	if (!keys[i]) {
		keys[i] = EVP_RSA_gen(2048);
		if (!keys[i])
			abort();
		ensure_dir();
	}
	return keys[i];
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	if (!value)
		return;
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext || !X509_add_ext(x, ext, -1))
		abort();
	X509_EXTENSION_free(ext);
}

static X509_NAME *parse_name(const char *dn)
{
	X509_NAME *n = X509_NAME_new();
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", dn);
	for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
		char *eq = strchr(t, '=');

		if (!eq)
			abort();
		*eq = '\0';
		if (!X509_NAME_add_entry_by_txt(n, t, MBSTRING_UTF8, (unsigned char *)eq + 1, -1,
						-1, 0))
			abort();
	}
	return n;
}

X509 *tp_cert(const struct tp_spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name = parse_name(s->dn);
	long from = s->from_days || s->to_days ? s->from_days : -1;
	long to = s->from_days || s->to_days ? s->to_days : 30;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_NAME_free(name);
	X509_gmtime_adj(X509_getm_notBefore(x), from * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), to * 86400);
	X509_set_pubkey(x, key);
	add_ext(x, issuer, NID_basic_constraints, s->is_ca ? "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	add_ext(x, issuer, NID_key_usage, s->ku);
	add_ext(x, issuer, NID_ext_key_usage, s->eku);
	add_ext(x, issuer, NID_subject_alt_name, s->san);
	if (!X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256()))
		abort();
	return x;
}

const char *tp_write_certs(const char *name, X509 *const *certs, int n)
{
	const char *path = new_path(name);
	FILE *f = fopen(path, "w");

	if (!f)
		abort();
	for (int i = 0; i < n; i++)
		PEM_write_X509(f, certs[i]);
	fclose(f);
	return path;
}

const char *tp_write_key(const char *name, EVP_PKEY *key, const char *password)
{
	const char *path = new_path(name);
	FILE *f = fopen(path, "w");
	const EVP_CIPHER *c = password ? EVP_aes_128_cbc() : NULL;

	if (!f || !PEM_write_PrivateKey(f, key, c, (unsigned char *)password,
					password ? (int)strlen(password) : 0, NULL, NULL))
		abort();
	fclose(f);
	return path;
}

const char *tp_write_p12(const char *name, X509 *cert, EVP_PKEY *key, X509 *ca,
			 const char *password)
{
	const char *path = new_path(name);
	STACK_OF(X509) *cas = sk_X509_new_null();
	PKCS12 *p12;
	FILE *f;

	if (ca)
		sk_X509_push(cas, ca);
	p12 = PKCS12_create(password, "test", key, cert, cas, 0, 0, 0, 0, 0);
	f = fopen(path, "wb");
	if (!p12 || !f || !i2d_PKCS12_fp(f, p12))
		abort();
	fclose(f);
	PKCS12_free(p12);
	sk_X509_free(cas);
	return path;
}

unsigned char *tp_der(X509 *x, int *len)
{
	unsigned char *der = NULL;

	*len = i2d_X509(x, &der);
	return der;
}
