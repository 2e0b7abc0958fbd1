#pragma once
/*
 * X.509 for IKEv1 RSA-signature authentication (RFC 2409 §5.1, RFC 4945):
 * our certificate, chain and private key (PEM, or PKCS#12), the trust
 * anchors of a profile's ca=, verification of the gateway's chain and its
 * identity, and the raw PKCS#1 v1.5 signatures IKEv1 uses (the hash is
 * signed as it is, without a DigestInfo: strongSwan's RSA_EMSA_PKCS1_NULL).
 *
 * Nothing here logs: errors come back as one line in err, which may name
 * files and certificates but never holds key material or a password.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/secret.h"

struct rv_x509_cert;     /* one certificate */
struct rv_x509_cred;     /* our certificate, its chain and its private key */
struct rv_x509_store;    /* trust anchors */

/* ---- certificates ---- */

/* Parse one DER certificate; NULL when it does not parse. */
struct rv_x509_cert *rv_x509_cert_from_der(const uint8_t *der, size_t len);
/* Read the first PEM certificate of a file; NULL (err says why). */
struct rv_x509_cert *rv_x509_cert_load(const char *path, char *err, size_t err_size);
void rv_x509_cert_free(struct rv_x509_cert *c);
/* DER of the certificate / of its subject name into out; 0 or -ENOSPC/-EIO. */
int rv_x509_cert_der(const struct rv_x509_cert *c, uint8_t *out, size_t cap, size_t *ret_len);
int rv_x509_cert_subject_der(const struct rv_x509_cert *c, uint8_t *out, size_t cap,
			     size_t *ret_len);
/* "C=XX, O=Example, CN=vpn.example.net" (control characters escaped). */
void rv_x509_cert_subject_text(const struct rv_x509_cert *c, char *out, size_t size);
/* "CN=vpn.example.net, SAN DNS:vpn.example.net, IP:198.51.100.1", cut to fit. */
void rv_x509_cert_describe(const struct rv_x509_cert *c, char *out, size_t size);
bool rv_x509_cert_is_rsa(const struct rv_x509_cert *c);

/* ---- our credentials ---- */

/*
 * cert_file holds our certificate (PEM, intermediates may follow) and
 * key_file its private key (PEM, PKCS#1 or PKCS#8, maybe encrypted); or
 * cert_file is a PKCS#12 bundle and key_file NULL. password opens an
 * encrypted key or the PKCS#12 (NULL: none). The key must be RSA and
 * belong to the certificate. NULL with the reason in err.
 */
struct rv_x509_cred *rv_x509_cred_load(const char *cert_file, const char *key_file,
				       const struct rv_secret *password, char *err,
				       size_t err_size);
void rv_x509_cred_free(struct rv_x509_cred *c);
const struct rv_x509_cert *rv_x509_cred_cert(const struct rv_x509_cred *c);
size_t rv_x509_cred_chain_len(const struct rv_x509_cred *c);
const struct rv_x509_cert *rv_x509_cred_chain(const struct rv_x509_cred *c, size_t i);
/* Signature length (the RSA modulus in bytes). */
size_t rv_x509_cred_sig_len(const struct rv_x509_cred *c);
/* PKCS#1 v1.5 type 1 padding of data as it is (no DigestInfo), then RSA; 0 or -EIO. */
int rv_x509_sign_raw(const struct rv_x509_cred *c, const uint8_t *data, size_t len,
		     uint8_t *sig, size_t cap, size_t *ret_len);
/* The inverse with the certificate's public key: 0, or -EBADMSG when it does not verify. */
int rv_x509_verify_raw(const struct rv_x509_cert *c, const uint8_t *data, size_t len,
		       const uint8_t *sig, size_t sig_len);

/* ---- trust anchors and chain verification ---- */

/* Every PEM certificate of ca_file is a trust anchor; NULL (err says why) if none. */
struct rv_x509_store *rv_x509_store_load(const char *ca_file, char *err, size_t err_size);
void rv_x509_store_free(struct rv_x509_store *s);
size_t rv_x509_store_count(const struct rv_x509_store *s);
/* The i-th anchor's subject as DER (for certificate requests). */
int rv_x509_store_ca_name_der(const struct rv_x509_store *s, size_t i, uint8_t *out, size_t cap,
			      size_t *ret_len);

enum rv_x509_verdict {
	RV_X509_OK,
	RV_X509_UNKNOWN_CA,      /* no path to a trust anchor */
	RV_X509_EXPIRED,         /* a certificate of the chain expired */
	RV_X509_NOT_YET_VALID,
	RV_X509_BAD_USAGE,       /* key usage without digitalSignature, or an EKU not for IKE */
	RV_X509_BAD_SIGNATURE,   /* a signature in the chain does not verify */
	RV_X509_INVALID,         /* anything else the verifier refused */
};

/*
 * Verify leaf (with untrusted intermediates chain[0..n)) against the
 * anchors at UNIX time at (0 = now): validity of every certificate, the
 * signatures up to an anchor, CA constraints; then the leaf's key usage
 * (digitalSignature or nonRepudiation when present, RFC 4945 §5.1.3.2) and
 * extended key usage (when present: serverAuth, ipsecIKE, ikeIntermediate
 * or anyExtendedKeyUsage). err gets one line naming the certificate.
 */
enum rv_x509_verdict rv_x509_verify(const struct rv_x509_store *s,
				    const struct rv_x509_cert *leaf,
				    const struct rv_x509_cert *const *chain, size_t n, int64_t at,
				    char *err, size_t err_size);

/* ---- identities (RFC 4945 §3) ---- */

/*
 * A DN in text, e.g. "C=XX, O=Example, CN=vpn.example.net" (strongSwan's
 * order) or "CN=vpn.example.net,O=Example,C=XX" (RFC 4514's reverse order);
 * separators ',' ';' or '/', backslash escapes. True when it parses.
 */
bool rv_x509_dn_valid(const char *text);
/* Subject equals the DN: same RDNs, values compared case- and space-insensitively. */
bool rv_x509_match_dn(const struct rv_x509_cert *c, const char *text);
bool rv_x509_match_dn_der(const struct rv_x509_cert *c, const uint8_t *der, size_t len);
/*
 * A subjectAltName DNS entry equals name (case-insensitive, a trailing dot
 * ignored). A wildcard entry "*.example.net" matches one leftmost label,
 * and only with allow_wildcard.
 */
bool rv_x509_match_dns(const struct rv_x509_cert *c, const char *name, size_t len,
		       bool allow_wildcard);
/* A subjectAltName IP entry equals the IPv4 address (network order). */
bool rv_x509_match_ipv4(const struct rv_x509_cert *c, uint32_t addr);
/* A subjectAltName rfc822Name entry equals the address (case-insensitive). */
bool rv_x509_match_email(const struct rv_x509_cert *c, const char *email, size_t len);
