#pragma once
/*
 * A throwaway PKI made at test time with OpenSSL (test code only: the
 * product reaches OpenSSL through crypto/). Certificates are described by
 * a spec; files go to a private temporary directory removed at exit.
 */
#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tp_spec {
	const char *dn;        /* "/C=XX/O=roadvpn test/CN=vpn.example.net" */
	const char *san;       /* "DNS:vpn.example.net,IP:198.51.100.1", or NULL */
	const char *ku;        /* "critical,digitalSignature", or NULL (none) */
	const char *eku;       /* "serverAuth,1.3.6.1.5.5.8.2.2", or NULL (none) */
	bool is_ca;
	long from_days, to_days;   /* validity relative to now; 0, 0 = -1 .. +30 */
};

/* RSA 2048 keys, made once per process: index 0..3. */
EVP_PKEY *tp_key(int i);
/* A certificate for key, signed by issuer/issuer_key (self-signed when issuer is NULL). */
X509 *tp_cert(const struct tp_spec *s, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key);
/* Write PEM into the temporary directory; returns the path (static storage per call). */
const char *tp_write_certs(const char *name, X509 *const *certs, int n);
const char *tp_write_key(const char *name, EVP_PKEY *key, const char *password);
const char *tp_write_p12(const char *name, X509 *cert, EVP_PKEY *key, X509 *ca,
			 const char *password);
/* DER of a certificate into a malloc'd buffer. */
unsigned char *tp_der(X509 *x, int *len);
