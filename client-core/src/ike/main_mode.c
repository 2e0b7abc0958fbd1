/*
 * Phase 1 as initiator with a pre-shared key: Main Mode (RFC 2409 §5, §5.4)
 * and, only when configured, Aggressive Mode (its PSK hash travels in the
 * clear and can be cracked offline; the caller warns); or Main Mode with RSA
 * signatures (§5.1), whose certificate parts live in cert.c. NAT-D (RFC 3947
 * §3.2) goes in MM3 / AM1+AM3; a NAT on either side floats us to UDP/4500
 * before MM5 / AM3.
 *
 * Real-peer quirks absorbed: the gateway's ID is not compared with its
 * address (SoftEther says ID_IPV4_ADDR 0.0.0.0; PSK binds the peer anyway);
 * SoftEther and strongSwan+libipsec fake NAT-D to force NAT-T; a silent
 * gateway after MM5 is the usual symptom of a PSK mismatch.
 *
 *   MM_I1: HDR, SA, VID...            --> <-- HDR, SA, VID...
 *   MM_I2: HDR, KE, Ni, NAT-D, NAT-D  --> <-- HDR, KE, Nr, NAT-D, NAT-D
 *   MM_I3: HDR*, IDii, HASH_I, N(IC)  --> <-- HDR*, IDir, HASH_R
 *   with signatures, MM3 adds CR (our CAs); then
 *          HDR*, IDii, CERT, SIG, N(IC) --> <-- HDR*, IDir, CERT, SIG
 *   AM_I1: HDR, SA, KE, Ni, IDii, VID --> <-- HDR, SA, KE, Nr, IDir, HASH_R, NAT-D..
 *          HDR*, HASH_I, NAT-D, NAT-D -->
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

/* ID body (RFC 2407 §4.6.2): type, protocol 0, port 0, data. */
int ike_id_encode(const char *local_id, uint32_t local_addr, uint8_t *out, size_t cap,
		  size_t *ret_len)
{
	struct rv_writer w = rv_writer_init(out, cap);
	const char *v = local_id;
	uint8_t type;
	struct in_addr a;

	if (!local_id) {
		type = IKE_ID_IPV4_ADDR;
	} else if (!strncmp(v, "keyid:", 6)) {
		type = IKE_ID_KEY_ID, v += 6;
	} else if (!strncmp(v, "fqdn:", 5)) {
		type = IKE_ID_FQDN, v += 5;
	} else if (!strncmp(v, "email:", 6)) {
		type = IKE_ID_USER_FQDN, v += 6;
	} else if (!strncmp(v, "ipv4:", 5) || inet_pton(AF_INET, v, &a) == 1) {
		v += strncmp(v, "ipv4:", 5) ? 0 : 5;
		if (inet_pton(AF_INET, v, &a) != 1)
			return -EINVAL;
		type = IKE_ID_IPV4_ADDR;
		local_addr = a.s_addr;
		local_id = NULL;
	} else {
		type = strchr(v, '@') ? IKE_ID_USER_FQDN : IKE_ID_FQDN;
	}
	if (local_id && (!*v || strlen(v) > 255))
		return -EINVAL;
	rv_writer_u8(&w, type);
	rv_writer_u8(&w, 0);
	rv_writer_u16(&w, 0);
	if (local_id)
		rv_writer_bytes(&w, v, strlen(v));
	else
		rv_writer_bytes(&w, &local_addr, 4);
	if (!rv_writer_ok(&w))
		return -EINVAL;
	*ret_len = w.len;
	return 0;
}

static void note_vendor_ids(struct ike *ike, const struct ike_msg *m)
{
	for (size_t i = 0; i < m->n; i++) {
		const char *name;

		if (m->pl[i].type != ISAKMP_PL_VID)
			continue;
		switch (ike_vendor_lookup(m->pl[i].body, m->pl[i].len, &name)) {
		case IKE_VID_NATT_RFC:
			ike->peer_natt_rfc = true;
			break;
		case IKE_VID_NATT_DRAFT:
			ike->peer_natt_draft = true;
			break;
		case IKE_VID_DPD:
			ike->peer_dpd = true;
			break;
		case IKE_VID_FRAGMENTATION:
			ike->peer_fragmentation = true;
			break;
		case IKE_VID_OTHER_KNOWN:
		case IKE_VID_UNKNOWN:
			break;
		}
		rv_log_debug(IKE_LOG, "gateway vendor id: %s (%zu bytes)", name ? name : "unknown",
			     m->pl[i].len);
	}
}

/* NAT-T is on when both sides announced it; we do not when the profile turned it off. */
static bool peer_natt(const struct ike *ike)
{
	return !ike->cfg.no_natt && (ike->peer_natt_rfc || ike->peer_natt_draft);
}

static uint8_t natd_type(const struct ike *ike)
{
	return ike_uses_draft_natt(ike) ? ISAKMP_PL_NATD_DRAFT : ISAKMP_PL_NATD;
}

/* RFC 3947 §3.2: first the destination (the gateway as we address it), then us. */
static int build_natd(struct ike *ike, struct ike_builder *b)
{
	uint8_t h[RV_HASH_MAX_LEN];
	enum rv_hash_alg hash = ike_p1_hash(ike);
	size_t len = rv_hash_len(hash);

	if (ike_natd_hash(hash, ike->cky_i, ike->cky_r, ike->cfg.remote_addr,
			  ike->cfg.remote_port, h) < 0)
		return -EIO;
	ike_build_payload(b, natd_type(ike), h, len);
	if (ike_natd_hash(hash, ike->cky_i, ike->cky_r, ike->cfg.local_addr, ike->cfg.local_port,
			  h) < 0)
		return -EIO;
	ike_build_payload(b, natd_type(ike), h, len);
	return 0;
}

/*
 * The gateway's first NAT-D hashes our address as it saw it; the others its
 * own addresses. Any mismatch means a NAT in between on that side.
 */
static int detect_nat(struct ike *ike, const struct ike_msg *m)
{
	enum rv_hash_alg hash = ike_p1_hash(ike);
	size_t hlen = rv_hash_len(hash), seen = 0;
	uint8_t ours[RV_HASH_MAX_LEN], theirs[RV_HASH_MAX_LEN];
	bool remote_match = false;

	if (ike_natd_hash(hash, ike->cky_i, ike->cky_r, ike->cfg.local_addr, ike->cfg.local_port,
			  ours) < 0 ||
	    ike_natd_hash(hash, ike->cky_i, ike->cky_r, ike->cfg.remote_addr,
			  ike->cfg.remote_port, theirs) < 0)
		return -EIO;
	for (size_t i = 0; i < m->n; i++) {
		const struct ike_payload *p = &m->pl[i];

		if (p->type != ISAKMP_PL_NATD)
			continue;
		if (seen++ == 0)
			ike->nat_local = p->len != hlen || !rv_memeq(p->body, ours, hlen);
		else if (p->len == hlen && rv_memeq(p->body, theirs, hlen))
			remote_match = true;
	}
	if (seen)
		ike->nat_remote = !remote_match;
	rv_log_debug(IKE_LOG, "NAT-D: %zu payloads, NAT here %s, NAT at the gateway %s", seen,
		     ike->nat_local ? "yes" : "no", ike->nat_remote ? "yes" : "no");
	return 0;
}

static void maybe_float(struct ike *ike)
{
	struct ike_event_info info = { .phase = 1 };

	if (!peer_natt(ike) || ike->is_natt)
		return;
	if (!ike->nat_local && !ike->nat_remote && !ike->cfg.force_encap)
		return;
	ike->is_natt = true;
	snprintf(info.message, sizeof(info.message), "%s; switching to UDP 4500",
		 ike->nat_local || ike->nat_remote ? "NAT detected" : "UDP encapsulation forced");
	ike_emit(ike, IKE_EVENT_FLOAT_TO_NATT, &info);
}

/* Aggressive Mode: every suite must use the group of the first, as KE goes in AM1. */
static size_t offer_count(struct ike *ike)
{
	size_t n = 0;

	if (!ike->cfg.aggressive)
		return ike->props.n_p1;
	for (size_t i = 0; i < ike->props.n_p1; i++)
		if (ike->props.p1[i].group == ike->props.p1[0].group)
			ike->props.p1[n++] = ike->props.p1[i];
	ike->props.n_p1 = n;
	return n;
}

static int build_sa_i(struct ike *ike)
{
	struct rv_writer w = rv_writer_init(ike->sa_i, sizeof(ike->sa_i));

	for (size_t i = 0; i < ike->props.n_p1; i++)
		ike->props.p1[i].auth = ike->cfg.auth_cert ? IKE_AUTH_RSA_SIG : IKE_AUTH_PSK;

	ike_sa_p1_build(&w, ike->props.p1, offer_count(ike), ike->cfg.ike_lifetime);
	if (!rv_writer_ok(&w))
		return -ENOSPC;
	ike->sa_i_len = w.len;
	return 0;
}

static int new_dh(struct ike *ike, unsigned int group)
{
	rv_dh_free(ike->dh);
	ike->dh = rv_dh_new(group);
	if (!ike->dh)
		return -EIO;
	ike->gx_len = rv_dh_public_len(group);
	return rv_dh_public(ike->dh, ike->gxi, sizeof(ike->gxi));
}

static int send_first(struct ike *ike, usec_t now)
{
	struct ike_builder b;
	static const uint8_t zero[8];
	uint8_t exch = ike->cfg.aggressive ? ISAKMP_EXCH_AGGRESSIVE : ISAKMP_EXCH_MAIN;
	size_t len;

	ike_build_header(&b, ike->p1_retx.msg, sizeof(ike->p1_retx.msg), ike->cky_i, zero, exch,
			 0, 0);
	ike_build_payload(&b, ISAKMP_PL_SA, ike->sa_i, ike->sa_i_len);
	if (ike->cfg.aggressive) {
		ike_build_payload(&b, ISAKMP_PL_KE, ike->gxi, ike->gx_len);
		ike_build_payload(&b, ISAKMP_PL_NONCE, ike->ni, IKE_NONCE_LEN);
		ike_build_payload(&b, ISAKMP_PL_ID, ike->id_i, ike->id_i_len);
	}
	ike_vendor_build_ours(&b, !ike->cfg.no_natt);
	if (ike_build_finish(&b, &len) < 0)
		return -ENOSPC;
	return ike_send(ike, &ike->p1_retx, ike->p1_retx.msg, len, now);
}

int ike_mm_send_offer(struct ike *ike, usec_t now)
{
	int r;

	if (rv_random_bytes(ike->cky_i, 8) < 0)
		return -EIO;
	r = build_sa_i(ike);
	if (r == 0 && ike->cfg.aggressive)
		r = new_dh(ike, ike->props.p1[0].group);
	if (r < 0)
		return r;
	ike->state = ike->cfg.aggressive ? IKE_STATE_AM_I1 : IKE_STATE_MM_I1;
	rv_log_debug(IKE_LOG, "starting %s Mode with %zu suites",
		     ike->cfg.aggressive ? "Aggressive" : "Main", ike->props.n_p1);
	return send_first(ike, now);
}

int ike_mm_start(struct ike *ike, usec_t now)
{
	int r;

	if (rv_random_bytes(ike->ni, IKE_NONCE_LEN) < 0)
		return -EIO;
	if (ike->cfg.auth_cert && !ike->cfg.local_id)
		r = ike_cert_id_i(ike);
	else
		r = ike_id_encode(ike->cfg.local_id, ike->cfg.local_addr, ike->id_i,
				  sizeof(ike->id_i), &ike->id_i_len);
	if (r < 0)
		return r;
	ike_probe_init(ike, now);
	return ike_mm_send_offer(ike, now);
}

static bool offered(const struct ike *ike, const struct ike_p1_proposal *p)
{
	for (size_t i = 0; i < ike->props.n_p1; i++) {
		const struct ike_p1_proposal *o = &ike->props.p1[i];

		if (o->enc == p->enc && o->hash == p->hash && o->group == p->group &&
		    o->auth == p->auth && (o->enc == IKE_ENC_3DES || o->key_bits == p->key_bits))
			return true;
	}
	return false;
}

/* Check the gateway's choice and set up the key schedule for it. */
static int take_p1_choice(struct ike *ike, const struct ike_msg *m)
{
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	struct ike_p1_proposal p = { 0 };
	uint32_t life = 0;
	char name[48];
	int r = ike_sa_p1_parse(sa, &p, &life);

	if (r == -EBADMSG)
		return r;
	if (r < 0 || !offered(ike, &p)) {
		if (p.enc != IKE_ENC_3DES && p.enc != IKE_ENC_AES)
			p.enc = IKE_ENC_AES;
		ike_p1_name(&p, name, sizeof(name));
		return ike_fail(ike, 1, IKE_FAILURE_PROTOCOL, 0,
				"gateway answered with a proposal we did not offer (%s)", name);
	}
	if (ike_probe_check_choice(ike, &p) < 0)
		return -EPROTO;
	ike->p1 = p;
	ike->p1_life = life && life < ike->cfg.ike_lifetime ? life : ike->cfg.ike_lifetime;
	ike_p1_name(&p, ike->p1_desc, sizeof(ike->p1_desc));
	ike->keys.prf = ike_hash_alg(p.hash);
	ike->keys.cipher = ike_cbc_cipher(p.enc);
	ike->keys.block_len = rv_cbc_block_len(ike->keys.cipher);
	ike->keys.enc_key_len = ike_enc_key_len(&p);
	rv_log_debug(IKE_LOG, "gateway chose %s, lifetime %u s", ike->p1_desc, ike->p1_life);
	return 0;
}

static int derive_keys(struct ike *ike, const struct ike_msg *m)
{
	const struct ike_payload *ke = ike_msg_find(m, ISAKMP_PL_KE);
	const struct ike_payload *nr = ike_msg_find(m, ISAKMP_PL_NONCE);
	uint8_t gxy[RV_DH_MAX_LEN];
	size_t gxy_len = rv_dh_secret_len(rv_dh_group(ike->dh)), psk_len = 0;
	const uint8_t *psk = ike->psk ? rv_secret_reveal(ike->psk, &psk_len) : NULL;
	int r;

	if (nr->len < 8 || nr->len > sizeof(ike->nr) || ke->len != ike->gx_len)
		return -EBADMSG;
	if (rv_dh_compute(ike->dh, ke->body, ke->len, gxy, sizeof(gxy)) < 0)
		return -EBADMSG;
	memcpy(ike->gxr, ke->body, ke->len);
	memcpy(ike->nr, nr->body, nr->len);
	ike->nr_len = nr->len;
	if (ike->cfg.auth_cert)
		r = ike_keys_derive_sig(&ike->keys, ike->ni, IKE_NONCE_LEN, ike->nr, ike->nr_len,
					gxy, gxy_len, ike->cky_i, ike->cky_r);
	else
		r = ike_keys_derive(&ike->keys, psk, psk_len, ike->ni, IKE_NONCE_LEN, ike->nr,
				    ike->nr_len, gxy, gxy_len, ike->cky_i, ike->cky_r);
	rv_wipe(gxy, sizeof(gxy));
	if (r == 0)
		r = ike_keys_expand_enc(&ike->keys);
	if (r == 0)
		r = ike_iv_phase1(&ike->keys, ike_p1_hash(ike), ike->gxi, ike->gx_len, ike->gxr,
				  ike->gx_len, ike->p1_iv);
	if (r < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "key derivation failed");
	ike->has_keys = true;
	return 0;
}

/* HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b); HASH_R swaps. */
static int p1_hash(const struct ike *ike, bool is_resp, const uint8_t *id, size_t id_len,
		   uint8_t *out)
{
	const uint8_t *g1 = is_resp ? ike->gxr : ike->gxi, *g2 = is_resp ? ike->gxi : ike->gxr;
	const uint8_t *c1 = is_resp ? ike->cky_r : ike->cky_i;
	const uint8_t *c2 = is_resp ? ike->cky_i : ike->cky_r;
	struct rv_iov iov[] = {
		{ g1, ike->gx_len }, { g2, ike->gx_len }, { c1, 8 }, { c2, 8 },
		{ ike->sa_i, ike->sa_i_len }, { id, id_len },
	};

	return ike_prf(ike->keys.prf, ike->keys.skeyid, ike->keys.prf_len, iov, 6, out);
}

static int rx_mm2(struct ike *ike, const struct ike_msg *m, const uint8_t *raw, size_t len,
		  usec_t now)
{
	struct ike_builder b;
	size_t out_len;
	int r;

	if (!ike_msg_find(m, ISAKMP_PL_SA))
		return -EBADMSG;
	memcpy(ike->cky_r, m->cky_r, 8);
	r = take_p1_choice(ike, m);
	if (r < 0)
		return r;
	note_vendor_ids(ike, m);
	if (new_dh(ike, ike->p1.group) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "DH key generation failed");

	ike_build_header(&b, ike->p1_retx.msg, sizeof(ike->p1_retx.msg), ike->cky_i, ike->cky_r,
			 ISAKMP_EXCH_MAIN, 0, 0);
	ike_build_payload(&b, ISAKMP_PL_KE, ike->gxi, ike->gx_len);
	ike_build_payload(&b, ISAKMP_PL_NONCE, ike->ni, IKE_NONCE_LEN);
	if (ike->cfg.auth_cert)
		ike_cert_build_cr(ike, &b);
	if (peer_natt(ike) && build_natd(ike, &b) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "hash failed");
	if (ike_build_finish(&b, &out_len) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "MM3 does not fit");
	ike->state = IKE_STATE_MM_I2;
	ike_send(ike, &ike->p1_retx, ike->p1_retx.msg, out_len, now);
	ike_note_request(&ike->p1_retx, raw, len);
	return 0;
}

static void build_initial_contact(struct ike *ike, struct ike_builder *b)
{
	size_t start = ike_build_begin(b, ISAKMP_PL_N);

	rv_writer_u32(&b->w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&b->w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&b->w, 16);
	rv_writer_u16(&b->w, ISAKMP_N_INITIAL_CONTACT);
	rv_writer_bytes(&b->w, ike->cky_i, 8);
	rv_writer_bytes(&b->w, ike->cky_r, 8);
	ike_build_end(b, start);
}

/*
 * MM5 (HDR*, IDii, HASH_I | CERT.. SIG, N(INITIAL-CONTACT)) or AM3 (HDR*,
 * HASH_I, NAT-D, NAT-D).
 */
static int send_auth(struct ike *ike, usec_t now)
{
	uint8_t hash_i[RV_HASH_MAX_LEN];
	struct ike_builder b;
	bool is_am = ike->cfg.aggressive;
	size_t len;

	if (p1_hash(ike, false, ike->id_i, ike->id_i_len, hash_i) < 0)
		return -EIO;
	ike_build_header(&b, ike->p1_retx.msg, sizeof(ike->p1_retx.msg), ike->cky_i, ike->cky_r,
			 is_am ? ISAKMP_EXCH_AGGRESSIVE : ISAKMP_EXCH_MAIN, 0, 0);
	if (!is_am)
		ike_build_payload(&b, ISAKMP_PL_ID, ike->id_i, ike->id_i_len);
	if (ike->cfg.auth_cert) {
		if (ike_cert_build_auth(ike, &b, hash_i, ike->keys.prf_len) < 0)
			return -EIO;
	} else {
		ike_build_payload(&b, ISAKMP_PL_HASH, hash_i, ike->keys.prf_len);
	}
	if (is_am && peer_natt(ike) && build_natd(ike, &b) < 0)
		return -EIO;
	/* not in a rekey: charon would take INITIAL-CONTACT as a reboot and drop the children */
	if (!is_am && !ike->parent)
		build_initial_contact(ike, &b);
	if (ike_build_finish(&b, &len) < 0 ||
	    ike_encrypt(ike, ike->p1_retx.msg, &len, sizeof(ike->p1_retx.msg), ike->p1_iv) < 0)
		return -EIO;
	return ike_send(ike, &ike->p1_retx, ike->p1_retx.msg, len, now);
}

static int rx_mm4(struct ike *ike, const struct ike_msg *m, const uint8_t *raw, size_t len,
		  usec_t now)
{
	int r;

	if (!ike_msg_find(m, ISAKMP_PL_KE) || !ike_msg_find(m, ISAKMP_PL_NONCE))
		return -EBADMSG;
	note_vendor_ids(ike, m);
	r = derive_keys(ike, m);
	if (r < 0)
		return r;
	if (peer_natt(ike) && detect_nat(ike, m) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "hash failed");
	maybe_float(ike);
	ike->state = IKE_STATE_MM_I3;
	if (send_auth(ike, now) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "cannot build MM5");
	ike_note_request(&ike->p1_retx, raw, len);
	return 0;
}

static void log_peer_id(const struct ike_payload *id)
{
	char text[80];

	if (!rv_log_debug_enabled(IKE_LOG) || id->len < 4)
		return;
	if (id->body[0] == IKE_ID_IPV4_ADDR && id->len == 8)
		snprintf(text, sizeof(text), "%u.%u.%u.%u", id->body[4], id->body[5], id->body[6],
			 id->body[7]);
	else
		rv_log_escape(text, sizeof(text), id->body + 4, id->len - 4);
	rv_log_debug(IKE_LOG, "gateway identity: type %u \"%s\"", id->body[0], text);
}

/* HASH_R verifies: phase 1 is up. IDir is logged, not compared (PSK binds the peer). */
static int check_hash_r(struct ike *ike, const struct ike_msg *m)
{
	const struct ike_payload *id = ike_msg_find(m, ISAKMP_PL_ID);
	const struct ike_payload *hash = ike_msg_find(m, ISAKMP_PL_HASH);
	uint8_t want[RV_HASH_MAX_LEN];

	if (p1_hash(ike, true, id->body, id->len, want) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "hash failed");
	if (hash->len != ike->keys.prf_len || !rv_memeq(hash->body, want, hash->len))
		return ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, 0,
				"authentication failed — wrong pre-shared key? (the gateway's "
				"HASH_R does not verify)");
	log_peer_id(id);
	return 0;
}

static int phase1_up(struct ike *ike, usec_t now)
{
	struct ike_event_info info = { .phase = 1 };

	ike->state = IKE_STATE_ESTABLISHED;
	ike->is_p1_up = true;
	ike_retx_disarm(&ike->p1_retx);
	snprintf(info.message, sizeof(info.message), "IKE SA %s established%s", ike->p1_desc,
		 ike->is_natt ? " (NAT-T)" : "");
	ike_emit(ike, IKE_EVENT_PHASE1_UP, &info);
	if (ike->state != IKE_STATE_ESTABLISHED || ike->parent)
		return 0;
	ike_p1rekey_up(ike, now);
	return ike_qm_start(ike, now);
}

/* With signatures: chain, identity and SIG before anything else proceeds. */
static int check_sig_r(struct ike *ike, const struct ike_msg *m)
{
	const struct ike_payload *id = ike_msg_find(m, ISAKMP_PL_ID);
	uint8_t hash_r[RV_HASH_MAX_LEN];

	if (p1_hash(ike, true, id->body, id->len, hash_r) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "hash failed");
	return ike_cert_check_peer(ike, m, hash_r, ike->keys.prf_len);
}

static int rx_mm6(struct ike *ike, const struct ike_msg *m, usec_t now)
{
	uint8_t proof = ike->cfg.auth_cert ? ISAKMP_PL_SIG : ISAKMP_PL_HASH;
	int r;

	if (!ike_msg_find(m, ISAKMP_PL_ID) || !ike_msg_find(m, proof))
		return ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, 0,
				"authentication failed — %s (the gateway's answer %s)",
				ike_auth_hint(ike),
				ike->cfg.auth_cert ? "has no ID or signature" : "does not decrypt");
	r = ike->cfg.auth_cert ? check_sig_r(ike, m) : check_hash_r(ike, m);
	if (r < 0)
		return r;
	memcpy(ike->p1_iv, ike->rx_next_iv, ike->keys.block_len);
	return phase1_up(ike, now);
}

static int rx_am2(struct ike *ike, const struct ike_msg *m, usec_t now)
{
	static const uint32_t need = IKE_PL_BIT(ISAKMP_PL_SA) | IKE_PL_BIT(ISAKMP_PL_KE) |
				     IKE_PL_BIT(ISAKMP_PL_NONCE) | IKE_PL_BIT(ISAKMP_PL_ID) |
				     IKE_PL_BIT(ISAKMP_PL_HASH);
	int r;

	if ((ike_msg_present(m) & need) != need)
		return -EBADMSG;
	memcpy(ike->cky_r, m->cky_r, 8);
	r = take_p1_choice(ike, m);
	if (r < 0)
		return r;
	if (ike->p1.group != rv_dh_group(ike->dh))
		return ike_fail(ike, 1, IKE_FAILURE_PROTOCOL, 0,
				"gateway chose DH group %u, but Aggressive Mode offered %u",
				ike->p1.group, (unsigned int)rv_dh_group(ike->dh));
	note_vendor_ids(ike, m);
	r = derive_keys(ike, m);
	if (r == 0)
		r = check_hash_r(ike, m);
	if (r < 0)
		return r;
	if (peer_natt(ike) && detect_nat(ike, m) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "hash failed");
	maybe_float(ike);
	if (send_auth(ike, now) < 0)
		return ike_fail(ike, 1, IKE_FAILURE_INTERNAL, 0, "cannot build AM3");
	return phase1_up(ike, now);
}

int ike_mm_rx(struct ike *ike, struct ike_msg *m, const uint8_t *raw, size_t raw_len,
	      usec_t now)
{
	bool is_enc = m->flags & ISAKMP_FLAG_ENC;

	if (m->mid != 0)
		return -EBADMSG;
	switch (ike->state) {
	case IKE_STATE_MM_I1:
		if (m->exchange != ISAKMP_EXCH_MAIN || is_enc)
			return -EBADMSG;
		return rx_mm2(ike, m, raw, raw_len, now);
	case IKE_STATE_MM_I2:
		if (m->exchange != ISAKMP_EXCH_MAIN || is_enc)
			return -EBADMSG;
		return rx_mm4(ike, m, raw, raw_len, now);
	case IKE_STATE_MM_I3:
		if (m->exchange != ISAKMP_EXCH_MAIN || !is_enc)
			return -EBADMSG;
		return rx_mm6(ike, m, now);
	case IKE_STATE_AM_I1:
		if (m->exchange != ISAKMP_EXCH_AGGRESSIVE || is_enc)
			return -EBADMSG;
		return rx_am2(ike, m, now);
	case IKE_STATE_ESTABLISHED:
		/* a late duplicate of MM6/AM2: nothing to answer */
		return -EAGAIN;
	case IKE_STATE_IDLE:
	case IKE_STATE_FAILED:
	case IKE_STATE_CLOSED:
		break;
	}
	return -ENOMSG;
}

static const char *addr_str(uint32_t addr, char *buf, size_t size)
{
	return inet_ntop(AF_INET, &addr, buf, (socklen_t)size) ? buf : "?";
}

void ike_mm_timeout(struct ike *ike)
{
	unsigned int secs = (unsigned int)(ike->timeout / USEC_PER_SEC);
	char a[INET_ADDRSTRLEN];

	switch (ike->state) {
	case IKE_STATE_MM_I1:
	case IKE_STATE_AM_I1:
		ike_fail(ike, 1, IKE_FAILURE_TIMEOUT, 0,
			 "gateway %s did not answer on UDP %u within %u s",
			 addr_str(ike->cfg.remote_addr, a, sizeof(a)), ike->cfg.remote_port, secs);
		return;
	case IKE_STATE_MM_I2:
		ike_fail(ike, 1, IKE_FAILURE_TIMEOUT, 0,
			 "gateway %s stopped answering during the key exchange (%u s)",
			 addr_str(ike->cfg.remote_addr, a, sizeof(a)), secs);
		return;
	case IKE_STATE_MM_I3:
		ike_fail(ike, 1, IKE_FAILURE_AUTH_FAILED, 0,
			 "authentication failed — %s (no answer to our authentication within "
			 "%u s%s)",
			 ike_auth_hint(ike), secs, ike->is_natt ? "; or UDP 4500 is blocked" : "");
		return;
	case IKE_STATE_IDLE:
	case IKE_STATE_ESTABLISHED:
	case IKE_STATE_FAILED:
	case IKE_STATE_CLOSED:
		break;
	}
}
