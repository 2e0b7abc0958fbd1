/*
 * Main Mode with RSA signatures (RFC 2409 §5.1, auth method 3) and X.509
 * certificates (RFC 4945): our ID as the subject DN (ID_DER_ASN1_DN), CR
 * payloads naming our CAs in MM3 (RFC 2408 §3.10), CERT + SIG in MM5, and
 * the check of the gateway's MM6 before phase 1 counts as up: its chain
 * against ca=, its signature over HASH_R, its ID against its certificate,
 * and its certificate against remote-id (or the configured gateway name or
 * address in a subjectAltName).
 *
 * Real-peer quirks absorbed: strongSwan's ID is its subject DN unless
 * configured; it sends its certificate always or only when asked (CR),
 * so we always ask; the signature is PKCS#1 v1.5 over HASH_R as it is
 * (no DigestInfo), which strongSwan calls RSA_EMSA_PKCS1_NULL. The leaf is
 * the first CERT payload; later ones are untrusted intermediates.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_MAX_PEER_CERTS 8
#define IKE_MAX_CR 8

struct peer_id {
	uint8_t type;        /* IKE_ID_* */
	const char *text;    /* DN text, name or address (NUL-free, len bytes) */
	size_t len;
	uint32_t addr;       /* network order, for IKE_ID_IPV4_ADDR */
};

/* remote-id syntax: "dn:", "fqdn:", "email:", "ipv4:" or untagged (guessed as for local_id). */
static int parse_remote_id(const char *text, struct peer_id *ret)
{
	struct in_addr a;
	const char *v = text;

	if (!strncmp(v, "dn:", 3))
		ret->type = IKE_ID_DER_ASN1_DN, v += 3;
	else if (!strncmp(v, "fqdn:", 5))
		ret->type = IKE_ID_FQDN, v += 5;
	else if (!strncmp(v, "email:", 6))
		ret->type = IKE_ID_USER_FQDN, v += 6;
	else if (!strncmp(v, "ipv4:", 5))
		ret->type = IKE_ID_IPV4_ADDR, v += 5;
	else if (inet_pton(AF_INET, v, &a) == 1)
		ret->type = IKE_ID_IPV4_ADDR;
	else if (strchr(v, '='))
		ret->type = IKE_ID_DER_ASN1_DN;
	else
		ret->type = strchr(v, '@') ? IKE_ID_USER_FQDN : IKE_ID_FQDN;
	ret->text = v;
	ret->len = strlen(v);
	if (!ret->len || ret->len > 255)
		return -EINVAL;
	if (ret->type == IKE_ID_IPV4_ADDR) {
		if (inet_pton(AF_INET, v, &a) != 1)
			return -EINVAL;
		ret->addr = a.s_addr;
	}
	if (ret->type == IKE_ID_DER_ASN1_DN && !rv_x509_dn_valid(v))
		return -EINVAL;
	return 0;
}

int ike_cert_check_config(const struct ike_config *cfg, char *err, size_t err_size)
{
	struct rv_x509_cred *cred;
	struct rv_x509_store *trust;
	struct peer_id id;

	if (cfg->aggressive) {
		snprintf(err, err_size, "certificates work with Main Mode only");
		return -EINVAL;
	}
	if (!cfg->cert_file || !cfg->ca_file) {
		snprintf(err, err_size, "certificate authentication needs %s",
			 cfg->cert_file ? "the gateway's CA certificate (ca=)"
					: "our certificate (cert=)");
		return -EINVAL;
	}
	if (cfg->remote_id && parse_remote_id(cfg->remote_id, &id) < 0) {
		snprintf(err, err_size, "remote id: cannot use \"%.60s\"", cfg->remote_id);
		return -EINVAL;
	}
	cred = rv_x509_cred_load(cfg->cert_file, cfg->key_file, cfg->key_password, err, err_size);
	trust = cred ? rv_x509_store_load(cfg->ca_file, err, err_size) : NULL;
	rv_x509_cred_free(cred);
	rv_x509_store_free(trust);
	return trust ? 0 : -EINVAL;
}

int ike_cert_setup(struct ike *ike, const struct ike_config *cfg)
{
	ike->cred = rv_x509_cred_load(cfg->cert_file, cfg->key_file, cfg->key_password, NULL, 0);
	ike->trust = rv_x509_store_load(cfg->ca_file, NULL, 0);
	ike->remote_id = cfg->remote_id ? strdup(cfg->remote_id) : NULL;
	ike->remote_name = cfg->remote_name ? strdup(cfg->remote_name) : NULL;
	/* the paths and the password were only needed to load */
	ike->cfg.cert_file = ike->cfg.key_file = ike->cfg.ca_file = NULL;
	ike->cfg.key_password = NULL;
	ike->cfg.remote_id = ike->remote_id;
	ike->cfg.remote_name = ike->remote_name;
	if (!ike->cred || !ike->trust || (cfg->remote_id && !ike->remote_id) ||
	    (cfg->remote_name && !ike->remote_name))
		return -ENOMEM;
	return 0;
}

void ike_cert_free(struct ike *ike)
{
	rv_x509_cred_free(ike->cred);
	rv_x509_store_free(ike->trust);
	free(ike->remote_id);
	free(ike->remote_name);
	ike->cred = NULL;
	ike->trust = NULL;
	ike->remote_id = ike->remote_name = NULL;
}

const char *ike_auth_hint(const struct ike *ike)
{
	return ike->cfg.auth_cert ? "did the gateway refuse our certificate?"
				  : "wrong pre-shared key?";
}

int ike_cert_id_i(struct ike *ike)
{
	size_t len;

	if (rv_x509_cert_subject_der(rv_x509_cred_cert(ike->cred), ike->id_i + 4,
				     sizeof(ike->id_i) - 4, &len) < 0)
		return -EINVAL;
	ike->id_i[0] = IKE_ID_DER_ASN1_DN;
	ike->id_i[1] = 0;
	ike->id_i[2] = ike->id_i[3] = 0;
	ike->id_i_len = 4 + len;
	return 0;
}

void ike_cert_build_cr(struct ike *ike, struct ike_builder *b)
{
	size_t n = rv_x509_store_count(ike->trust);

	for (size_t i = 0; i < n && i < IKE_MAX_CR; i++) {
		uint8_t der[512];
		size_t len, start;

		if (rv_x509_store_ca_name_der(ike->trust, i, der, sizeof(der), &len) < 0)
			continue;
		start = ike_build_begin(b, ISAKMP_PL_CR);
		rv_writer_u8(&b->w, IKE_CERT_X509_SIG);
		rv_writer_bytes(&b->w, der, len);
		ike_build_end(b, start);
	}
}

static int build_cert(struct ike_builder *b, const struct rv_x509_cert *c)
{
	uint8_t der[IKE_MSG_MAX];
	size_t len, start;

	if (rv_x509_cert_der(c, der, sizeof(der), &len) < 0)
		return -ENOSPC;
	start = ike_build_begin(b, ISAKMP_PL_CERT);
	rv_writer_u8(&b->w, IKE_CERT_X509_SIG);
	rv_writer_bytes(&b->w, der, len);
	ike_build_end(b, start);
	return rv_writer_ok(&b->w) ? 0 : -ENOSPC;
}

int ike_cert_build_auth(struct ike *ike, struct ike_builder *b, const uint8_t *hash_i,
			size_t hash_len)
{
	uint8_t sig[1024];
	size_t sig_len;

	if (build_cert(b, rv_x509_cred_cert(ike->cred)) < 0)
		return -ENOSPC;
	for (size_t i = 0; i < rv_x509_cred_chain_len(ike->cred); i++)
		if (build_cert(b, rv_x509_cred_chain(ike->cred, i)) < 0)
			return -ENOSPC;
	if (rv_x509_sign_raw(ike->cred, hash_i, hash_len, sig, sizeof(sig), &sig_len) < 0)
		return -EIO;
	ike_build_payload(b, ISAKMP_PL_SIG, sig, sig_len);
	return 0;
}

/* ---- the gateway's MM6 ---- */

struct peer_certs {
	struct rv_x509_cert *c[IKE_MAX_PEER_CERTS];
	size_t n;
};

static void peer_certs_free(struct peer_certs *pc)
{
	for (size_t i = 0; i < pc->n; i++)
		rv_x509_cert_free(pc->c[i]);
	pc->n = 0;
}

/* Every X.509 CERT payload, the first one being the gateway's own. */
static int collect_certs(struct ike *ike, const struct ike_msg *m, struct peer_certs *pc)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (p->type != ISAKMP_PL_CERT || p->len < 1)
			continue;
		if (p->body[0] != IKE_CERT_X509_SIG) {
			rv_log_debug(IKE_LOG, "ignored a CERT payload with encoding %u", p->body[0]);
			continue;
		}
		if (pc->n == IKE_MAX_PEER_CERTS)
			break;
		pc->c[pc->n] = rv_x509_cert_from_der(p->body + 1, p->len - 1);
		if (!pc->c[pc->n])
			return ike_fail(ike, 1, IKE_FAILURE_CERT, 0,
					"the gateway's certificate does not parse");
		pc->n++;
	}
	if (pc->n == 0)
		return ike_fail(ike, 1, IKE_FAILURE_CERT, 0,
				"the gateway sent no X.509 certificate with its signature");
	return 0;
}

/* An ID payload body (type, protocol, port, data) as text for messages. */
static void id_text(const uint8_t *body, size_t len, char *out, size_t size)
{
	if (len == 8 && body[0] == IKE_ID_IPV4_ADDR) {
		inet_ntop(AF_INET, body + 4, out, (socklen_t)size);
		return;
	}
	if (body[0] == IKE_ID_DER_ASN1_DN) {
		snprintf(out, size, "a DN");
		return;
	}
	rv_log_escape(out, size, body + 4, len - 4);
}

/* IDir must be one of the names its certificate carries. */
static bool id_in_cert(const struct ike *ike, const struct rv_x509_cert *c,
		       const struct ike_payload *id)
{
	const uint8_t *data = id->body + 4;
	size_t len = id->len - 4;
	uint32_t addr;

	switch (id->body[0]) {
	case IKE_ID_DER_ASN1_DN:
		return rv_x509_match_dn_der(c, data, len);
	case IKE_ID_FQDN:
		return rv_x509_match_dns(c, (const char *)data, len, ike->cfg.allow_wildcard);
	case IKE_ID_USER_FQDN:
		return rv_x509_match_email(c, (const char *)data, len);
	case IKE_ID_IPV4_ADDR:
		if (len != 4)
			return false;
		memcpy(&addr, data, 4);
		return rv_x509_match_ipv4(c, addr);
	}
	return false;
}

static bool matches(const struct ike *ike, const struct rv_x509_cert *c,
		    const struct peer_id *want)
{
	switch (want->type) {
	case IKE_ID_DER_ASN1_DN:
		return rv_x509_match_dn(c, want->text);
	case IKE_ID_FQDN:
		return rv_x509_match_dns(c, want->text, want->len, ike->cfg.allow_wildcard);
	case IKE_ID_USER_FQDN:
		return rv_x509_match_email(c, want->text, want->len);
	case IKE_ID_IPV4_ADDR:
		return rv_x509_match_ipv4(c, want->addr);
	}
	return false;
}

/* Whom the certificate must name: remote-id, else the gateway as configured. */
static const char *expected_id(const struct ike *ike, struct peer_id *want, char *addr,
			       size_t size)
{
	struct in_addr a;

	if (ike->remote_id) {
		parse_remote_id(ike->remote_id, want);
		return "remote-id";
	}
	if (ike->remote_name && inet_pton(AF_INET, ike->remote_name, &a) != 1) {
		*want = (struct peer_id){ .type = IKE_ID_FQDN, .text = ike->remote_name,
					  .len = strlen(ike->remote_name) };
		return "the gateway name";
	}
	a.s_addr = ike->remote_name ? a.s_addr : ike->cfg.remote_addr;
	inet_ntop(AF_INET, &a, addr, (socklen_t)size);
	*want = (struct peer_id){ .type = IKE_ID_IPV4_ADDR, .text = addr, .len = strlen(addr),
				  .addr = a.s_addr };
	return "the gateway address";
}

static int check_identity(struct ike *ike, const struct rv_x509_cert *leaf,
			  const struct ike_payload *id, const char *who)
{
	struct peer_id want;
	char addr[INET_ADDRSTRLEN], text[80];
	const char *what;

	if (id->len < 5)
		return ike_fail(ike, 1, IKE_FAILURE_CERT, 0, "the gateway sent an empty identity");
	if (!id_in_cert(ike, leaf, id)) {
		id_text(id->body, id->len, text, sizeof(text));
		return ike_fail(ike, 1, IKE_FAILURE_CERT, 0,
				"gateway identity %.60s (type %u) is not in its certificate "
				"%.150s", text, id->body[0], who);
	}
	what = expected_id(ike, &want, addr, sizeof(addr));
	if (!matches(ike, leaf, &want))
		return ike_fail(ike, 1, IKE_FAILURE_CERT, 0,
				"gateway certificate %.150s does not match %s %.60s", who, what,
				want.text);
	return 0;
}

int ike_cert_check_peer(struct ike *ike, const struct ike_msg *m, const uint8_t *hash_r,
			size_t hash_len)
{
	const struct ike_payload *sig = ike_msg_find(m, ISAKMP_PL_SIG);
	const struct ike_payload *id = ike_msg_find(m, ISAKMP_PL_ID);
	struct peer_certs pc = { .n = 0 };
	char who[160], err[200];
	int r = collect_certs(ike, m, &pc);

	if (r < 0)
		goto out;
	rv_x509_cert_describe(pc.c[0], who, sizeof(who));
	rv_log_debug(IKE_LOG, "gateway certificate: %s (%zu more in the chain)", who, pc.n - 1);
	if (rv_x509_verify(ike->trust, pc.c[0], (const struct rv_x509_cert *const *)pc.c + 1,
			   pc.n - 1, ike->cfg.cert_time, err, sizeof(err)) != RV_X509_OK) {
		r = ike_fail(ike, 1, IKE_FAILURE_CERT, 0, "gateway %s", err);
		goto out;
	}
	if (rv_x509_verify_raw(pc.c[0], hash_r, hash_len, sig->body, sig->len) < 0) {
		r = ike_fail(ike, 1, IKE_FAILURE_CERT, 0,
			     "the gateway's signature does not verify with its certificate %.150s",
			     who);
		goto out;
	}
	r = check_identity(ike, pc.c[0], id, who);
out:
	peer_certs_free(&pc);
	return r;
}
