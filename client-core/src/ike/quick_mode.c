/*
 * Quick Mode (RFC 2409 §5.5) for one ESP transport-mode SA pair protecting
 * L2TP: IDci = us, UDP, our L2TP port; IDcr = the gateway, UDP, 1701.
 * With NAT-T: UDP-encapsulated transport (RFC 3947 §5: mode 4, or 61444 for
 * draft-only peers) and NAT-OAi/NAT-OAr. Optional PFS (KE in QM1/QM2).
 *
 *   initiator: HDR*, HASH(1), SA, Ni, [KE], IDci, IDcr, [NAT-OAi, NAT-OAr] -->
 *              <-- HDR*, HASH(2), SA, Nr, [KE], [IDci, IDcr], [NAT-OA..], [N(RESP-LIFETIME)]
 *              HDR*, HASH(3) -->   [<-- N(CONNECTED) when the commit bit was set]
 *   responder: the same from the gateway's side; SoftEther starts one of its
 *              own right after ours, and we answer it (a second child SA).
 *
 * Quirks absorbed: a gateway refusing IDcr port 1701 is retried with port 0
 * (Windows 2000/XP era), one that refuses a no-PFS offer is retried with
 * modp2048 then modp1024 (unless PFS was configured), RESPONDER-LIFETIME is
 * honoured (shorter wins), the gateway may rewrite our private selectors
 * behind NAT, and a stray fourth message (Windows' INITIAL-CONTACT) is ignored.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"
#include "util/log.h"

#define IKE_QM_RESPONDER_WAIT (30 * USEC_PER_SEC)
#define IKE_QM_COMMIT_WAIT (3 * USEC_PER_SEC)

int ike_hash_mid(const struct ike *ike, uint32_t mid, const uint8_t *ni, size_t ni_len,
		 const uint8_t *rest, size_t rest_len, uint8_t *out)
{
	uint8_t m[4] = { mid >> 24, mid >> 16, mid >> 8, mid };
	struct rv_iov iov[] = { { m, 4 }, { ni, ni ? ni_len : 0 }, { rest, rest_len } };

	return ike_prf(ike->keys.prf, ike->keys.skeyid_a, ike->keys.prf_len, iov, 3, out);
}

int ike_check_hash(const struct ike *ike, const struct ike_msg *m, const uint8_t *ni,
		   size_t ni_len)
{
	const uint8_t *rest = m->n > 1 ? m->pl[1].start : m->chain_end;
	uint8_t want[RV_HASH_MAX_LEN];

	if (m->n == 0 || m->pl[0].type != ISAKMP_PL_HASH || m->pl[0].len != ike->keys.prf_len)
		return -EBADMSG;
	if (ike_hash_mid(ike, m->mid, ni, ni_len, rest, (size_t)(m->chain_end - rest), want) < 0)
		return -EIO;
	return rv_memeq(want, m->pl[0].body, ike->keys.prf_len) ? 0 : -EBADMSG;
}

size_t ike_begin_hashed(const struct ike *ike, struct ike_builder *b, uint8_t *buf, size_t cap,
			uint8_t exchange, uint32_t mid)
{
	size_t start;

	ike_build_header(b, buf, cap, ike->cky_i, ike->cky_r, exchange, 0, mid);
	start = ike_build_begin(b, ISAKMP_PL_HASH);
	rv_writer_zeros(&b->w, ike->keys.prf_len);
	ike_build_end(b, start);
	return start + 4;
}

int ike_finish_hashed(struct ike *ike, struct ike_builder *b, size_t hash_at, const uint8_t *ni,
		      size_t ni_len, uint8_t *iv, size_t *ret_len)
{
	size_t rest_at = hash_at + ike->keys.prf_len, len;
	uint32_t mid;

	if (ike_build_finish(b, &len) < 0)
		return -ENOSPC;
	mid = (uint32_t)b->w.buf[20] << 24 | (uint32_t)b->w.buf[21] << 16 |
	      (uint32_t)b->w.buf[22] << 8 | b->w.buf[23];
	if (ike_hash_mid(ike, mid, ni, ni_len, b->w.buf + rest_at, len - rest_at,
			 b->w.buf + hash_at) < 0)
		return -EIO;
	if (ike_encrypt(ike, b->w.buf, &len, b->w.cap, iv) < 0)
		return -EIO;
	*ret_len = len;
	return 0;
}

struct ike_qm *ike_qm_find(struct ike *ike, uint32_t mid)
{
	for (size_t i = 0; i < IKE_MAX_QM; i++)
		if (ike->qm[i].state != IKE_QM_FREE && ike->qm[i].mid == mid)
			return &ike->qm[i];
	return NULL;
}

static void qm_release(struct ike_qm *qm)
{
	rv_dh_free(qm->dh);
	rv_wipe(qm, sizeof(*qm));
}

void ike_qm_free_all(struct ike *ike)
{
	for (size_t i = 0; i < IKE_MAX_QM; i++)
		qm_release(&ike->qm[i]);
}

/* A free slot, else the oldest finished one (kept only to absorb retransmits). */
static struct ike_qm *qm_alloc(struct ike *ike, uint32_t mid)
{
	struct ike_qm *qm = NULL;

	for (size_t i = 0; i < IKE_MAX_QM && !qm; i++)
		if (ike->qm[i].state == IKE_QM_FREE)
			qm = &ike->qm[i];
	for (size_t i = 0; i < IKE_MAX_QM && !qm; i++)
		if (ike->qm[i].state == IKE_QM_DONE)
			qm = &ike->qm[i];
	if (!qm)
		return NULL;
	qm_release(qm);
	qm->mid = mid;
	if (ike_iv_phase2(&ike->keys, ike_p1_hash(ike), ike->p1_iv, mid, qm->iv) < 0)
		return NULL;
	return qm;
}

static uint16_t our_encap(const struct ike *ike)
{
	if (!ike->is_natt)
		return ESP_ENCAP_TRANSPORT;
	return ike_uses_draft_natt(ike) ? ESP_ENCAP_UDP_TRANSPORT_DRAFT : ESP_ENCAP_UDP_TRANSPORT;
}

static bool is_udp_encap(uint16_t encap)
{
	return encap == ESP_ENCAP_UDP_TRANSPORT || encap == ESP_ENCAP_UDP_TRANSPORT_DRAFT;
}

static unsigned int attempt_pfs(const struct ike *ike)
{
	static const unsigned int fallback[] = { 0, RV_DH_MODP2048, RV_DH_MODP1024 };

	return ike->pfs_try ? fallback[ike->pfs_try] : ike->props.pfs;
}

static void build_id(struct ike_builder *b, uint32_t addr, uint16_t port)
{
	size_t start = ike_build_begin(b, ISAKMP_PL_ID);

	rv_writer_u8(&b->w, IKE_ID_IPV4_ADDR);
	rv_writer_u8(&b->w, 17);
	rv_writer_u16(&b->w, port);
	rv_writer_bytes(&b->w, &addr, 4);
	ike_build_end(b, start);
}

/* NAT-OA (RFC 3947 §5.2): ID type, 3 reserved bytes, the original address. */
static void build_nat_oa(const struct ike *ike, struct ike_builder *b, uint32_t addr)
{
	size_t start = ike_build_begin(b, ike_uses_draft_natt(ike) ? ISAKMP_PL_NATOA_DRAFT
								    : ISAKMP_PL_NATOA);

	rv_writer_u8(&b->w, IKE_ID_IPV4_ADDR);
	rv_writer_zeros(&b->w, 3);
	rv_writer_bytes(&b->w, &addr, 4);
	ike_build_end(b, start);
}

static int new_spi(uint32_t *ret)
{
	uint32_t spi;

	/* SPIs 1-255 are reserved (RFC 4303 §2.1) */
	do {
		if (rv_random_bytes(&spi, sizeof(spi)) < 0)
			return -EIO;
	} while (spi < 256);
	*ret = spi;
	return 0;
}

static int qm_pfs_setup(struct ike_qm *qm, unsigned int group, uint8_t *pub, size_t *pub_len)
{
	qm->pfs = group;
	if (!group)
		return 0;
	qm->dh = rv_dh_new(group);
	if (!qm->dh)
		return -EIO;
	*pub_len = rv_dh_public_len(group);
	return rv_dh_public(qm->dh, pub, *pub_len);
}

static int build_qm1(struct ike *ike, struct ike_qm *qm, const uint8_t *ke, size_t ke_len,
		     size_t *ret_len)
{
	struct ike_builder b;
	size_t hash_at, start;
	uint16_t encap = our_encap(ike);

	hash_at = ike_begin_hashed(ike, &b, qm->retx.msg, sizeof(qm->retx.msg),
				   ISAKMP_EXCH_QUICK, qm->mid);
	start = ike_build_begin(&b, ISAKMP_PL_SA);
	ike_sa_p2_build(&b.w, ike->props.p2, ike->props.n_p2, qm->spi_in, encap, qm->pfs,
			ike->cfg.esp_lifetime);
	ike_build_end(&b, start);
	ike_build_payload(&b, ISAKMP_PL_NONCE, qm->ni, qm->ni_len);
	if (qm->pfs)
		ike_build_payload(&b, ISAKMP_PL_KE, ke, ke_len);
	build_id(&b, ike->cfg.local_addr, ike->cfg.l2tp_local_port);
	build_id(&b, ike->cfg.remote_addr, qm->port0 ? 0 : 1701);
	if (is_udp_encap(encap)) {
		build_nat_oa(ike, &b, ike->cfg.local_addr);
		build_nat_oa(ike, &b, ike->cfg.remote_addr);
	}
	return ike_finish_hashed(ike, &b, hash_at, NULL, 0, qm->iv, ret_len);
}

int ike_qm_start(struct ike *ike, usec_t now)
{
	uint8_t ke[RV_DH_MAX_LEN];
	size_t ke_len = 0, len;
	struct ike_qm *qm;
	uint32_t mid;
	char offer[160];

	if (rv_random_bytes(&mid, sizeof(mid)) < 0)
		return ike_fail(ike, 2, IKE_FAILURE_INTERNAL, 0, "no randomness");
	qm = mid ? qm_alloc(ike, mid) : NULL;
	if (!qm)
		return ike_fail(ike, 2, IKE_FAILURE_INTERNAL, 0, "cannot start Quick Mode");
	qm->state = IKE_QM_I_WAIT2;
	qm->port0 = ike->want_port0;
	qm->ni_len = IKE_NONCE_LEN;
	if (new_spi(&qm->spi_in) < 0 || rv_random_bytes(qm->ni, qm->ni_len) < 0 ||
	    qm_pfs_setup(qm, attempt_pfs(ike), ke, &ke_len) < 0 ||
	    build_qm1(ike, qm, ke, ke_len, &len) < 0)
		return ike_fail(ike, 2, IKE_FAILURE_INTERNAL, 0, "cannot build Quick Mode");
	ike_p2_list(&ike->props, qm->pfs, offer, sizeof(offer));
	rv_log_debug(IKE_LOG, "Quick Mode %08x: SPI %08x, IDcr port %u, offering %s", mid,
		     qm->spi_in, qm->port0 ? 0 : 1701, offer);
	return ike_send(ike, &qm->retx, qm->retx.msg, len, now);
}

struct accept_ctx {
	const struct ike *ike;
	unsigned int pfs;         /* initiator: the group we offered */
	uint16_t encap;           /* initiator: the mode we offered */
	bool is_responder;
};

static bool in_our_list(const struct ike *ike, const struct ike_p2_proposal *p)
{
	for (size_t i = 0; i < ike->props.n_p2; i++) {
		const struct ike_p2_proposal *o = &ike->props.p2[i];

		if (o->transform == p->transform && o->auth == p->auth &&
		    (o->transform == ESP_T_3DES || o->key_bits == p->key_bits))
			return true;
	}
	return false;
}

/* Any transport mode our side can carry; the initiator also insists on what it offered. */
static bool accept_choice(void *ctx, const struct ike_p2_choice *c)
{
	const struct accept_ctx *a = ctx;
	bool encap_ok = c->encap == ESP_ENCAP_TRANSPORT || is_udp_encap(c->encap);

	if (!in_our_list(a->ike, &c->p) || !encap_ok || c->spi < 256)
		return false;
	if (a->is_responder)
		return !c->group || rv_dh_group_supported(c->group);
	return c->group == a->pfs && is_udp_encap(c->encap) == is_udp_encap(a->encap);
}

static uint32_t nat_oa_addr(const struct ike_payload *p)
{
	uint32_t addr;

	/* reserved bytes are not checked: Meraki sends non-zero ones */
	if (p->len < 8 || p->body[0] != IKE_ID_IPV4_ADDR)
		return 0;
	memcpy(&addr, p->body + 4, 4);
	return addr;
}

/* The gateway's original address: the NAT-OA naming its side (second from a responder). */
static uint32_t peer_nat_oa(const struct ike_msg *m, bool peer_is_initiator)
{
	const struct ike_payload *first = NULL, *second = NULL;

	for (size_t i = 0; i < m->n; i++) {
		if (m->pl[i].type != ISAKMP_PL_NATOA)
			continue;
		if (!first)
			first = &m->pl[i];
		else if (!second)
			second = &m->pl[i];
	}
	if (peer_is_initiator)
		return first ? nat_oa_addr(first) : 0;
	return second ? nat_oa_addr(second) : first ? nat_oa_addr(first) : 0;
}

/* RESPONDER-LIFETIME (RFC 2407 §4.6.3.1): SA attributes in the notify data. */
static uint32_t responder_lifetime(const struct ike_msg *m)
{
	uint32_t best = 0;

	for (size_t i = 0; i < m->n; i++) {
		struct ike_notify n;
		struct rv_reader r;
		uint16_t type;
		uint32_t v, life_type = IKE_LIFE_SECONDS;

		if (m->pl[i].type != ISAKMP_PL_N || ike_notify_parse(&m->pl[i], &n) < 0 ||
		    n.type != ISAKMP_N_RESPONDER_LIFETIME)
			continue;
		r = rv_reader_init(n.data, n.data_len);
		while (ike_attr_next(&r, &type, &v) > 0) {
			if (type == ESP_ATTR_LIFE_TYPE)
				life_type = v;
			else if (type == ESP_ATTR_LIFE_DURATION && life_type == IKE_LIFE_SECONDS &&
				 v && (!best || v < best))
				best = v;
		}
	}
	return best;
}

static uint32_t min_life(uint32_t a, uint32_t b)
{
	return b && b < a ? b : a;
}

static enum ike_esp_cipher child_cipher(uint8_t transform)
{
	switch (transform) {
	case ESP_T_3DES:
		return IKE_ESP_CIPHER_3DES_CBC;
	case ESP_T_AES_GCM16:
		return IKE_ESP_CIPHER_AES_GCM16;
	}
	return IKE_ESP_CIPHER_AES_CBC;
}

static enum ike_esp_integ child_integ(uint16_t auth)
{
	switch (auth) {
	case ESP_AUTH_HMAC_SHA1:
		return IKE_ESP_INTEG_HMAC_SHA1_96;
	case ESP_AUTH_HMAC_SHA256:
		return IKE_ESP_INTEG_HMAC_SHA256_128;
	}
	return IKE_ESP_INTEG_NONE;
}

/* KEYMAT for one direction: encryption key (and GCM salt) first, then integrity. */
static int direction_keys(const struct ike *ike, const uint8_t *gqm, size_t gqm_len,
			  uint32_t spi, const struct ike_qm *qm, uint8_t *enc, size_t enc_len,
			  uint8_t *integ, size_t integ_len)
{
	uint8_t km[36 + 64];
	int r = ike_keymat(&ike->keys, gqm, gqm_len, ISAKMP_PROTO_ESP, spi, qm->ni, qm->ni_len,
			   qm->nr, qm->nr_len, km, enc_len + integ_len);

	memcpy(enc, km, enc_len);
	memcpy(integ, km + enc_len, integ_len);
	rv_wipe(km, sizeof(km));
	return r;
}

/* qm->ni is always the Quick Mode initiator's nonce, whoever that was. */
static int make_child(struct ike *ike, struct ike_qm *qm, const uint8_t *gqm, size_t gqm_len)
{
	struct ike_child_sa *c = &qm->child;
	const struct ike_p2_proposal *p = &qm->choice.p;

	*c = (struct ike_child_sa){
		.spi_in = qm->spi_in, .spi_out = qm->spi_out,
		.cipher = child_cipher(p->transform), .enc_key_len = ike_p2_enc_key_len(p),
		.integ = child_integ(p->auth), .integ_key_len = ike_p2_integ_key_len(p),
		.udp_encap = is_udp_encap(qm->choice.encap), .lifetime_seconds = qm->lifetime,
		.nat_oa_peer = qm->nat_oa_peer,
	};
	ike_p2_name(p, qm->pfs, c->description, sizeof(c->description));
	ike_p2_suite(p, c->suite_esp, sizeof(c->suite_esp));
	ike_p1_name(&ike->p1, c->suite_ike, sizeof(c->suite_ike));
	if (c->enc_key_len > sizeof(c->enc_key_in) || c->integ_key_len > sizeof(c->integ_key_in))
		return -EINVAL;
	if (direction_keys(ike, gqm, gqm_len, qm->spi_in, qm, c->enc_key_in, c->enc_key_len,
			   c->integ_key_in, c->integ_key_len) < 0 ||
	    direction_keys(ike, gqm, gqm_len, qm->spi_out, qm, c->enc_key_out, c->enc_key_len,
			   c->integ_key_out, c->integ_key_len) < 0)
		return -EIO;
	return 0;
}

static void remember_child(struct ike *ike, const struct ike_child_sa *c)
{
	if (ike->n_children == IKE_MAX_CHILDREN) {
		memmove(&ike->children[0], &ike->children[1],
			sizeof(ike->children[0]) * (IKE_MAX_CHILDREN - 1));
		ike->n_children--;
	}
	ike->children[ike->n_children] = (struct ike_child_sa){
		.spi_in = c->spi_in, .spi_out = c->spi_out, .udp_encap = c->udp_encap,
	};
	memcpy(ike->children[ike->n_children].description, c->description,
	       sizeof(c->description));
	ike->n_children++;
}

static void child_up(struct ike *ike, struct ike_qm *qm, usec_t now)
{
	struct ike_event_info info = { .phase = 2, .child = qm->child };
	char rekey[32] = "";

	qm->state = IKE_QM_DONE;
	qm->deadline = 0;
	rv_wipe(&qm->child, sizeof(qm->child));
	remember_child(ike, &info.child);
	ike_rekey_child_up(ike, &info, now);
	if (info.child.replaces_spi_in)
		snprintf(rekey, sizeof(rekey), ", rekey of %08x", info.child.replaces_spi_in);
	snprintf(info.message, sizeof(info.message), "IPsec SA %s up (SPI in %08x, out %08x%s%s)",
		 info.child.description, info.child.spi_in, info.child.spi_out,
		 info.child.udp_encap ? ", UDP-encapsulated" : "", rekey);
	rv_log_debug(IKE_LOG, "%s", info.message);
	ike_emit(ike, IKE_EVENT_CHILD_UP, &info);
}

/* The DH part of a QM2/QM1 from the gateway: KE must come exactly when PFS is on. */
static int qm_gqm(struct ike_qm *qm, const struct ike_msg *m, uint8_t *gqm, size_t *gqm_len)
{
	const struct ike_payload *ke = ike_msg_find(m, ISAKMP_PL_KE);

	*gqm_len = 0;
	if (!qm->pfs)
		return ke ? -EBADMSG : 0;
	if (!ke || rv_dh_compute(qm->dh, ke->body, ke->len, gqm, RV_DH_MAX_LEN) < 0)
		return -EBADMSG;
	*gqm_len = rv_dh_secret_len(qm->pfs);
	return 0;
}

static int send_qm3(struct ike *ike, struct ike_qm *qm, const uint8_t *raw, size_t raw_len,
		    usec_t now)
{
	uint8_t zero = 0, m[4] = { qm->mid >> 24, qm->mid >> 16, qm->mid >> 8, qm->mid };
	struct rv_iov iov[] = { { &zero, 1 }, { m, 4 }, { qm->ni, qm->ni_len },
				{ qm->nr, qm->nr_len } };
	uint8_t hash3[RV_HASH_MAX_LEN];
	struct ike_builder b;
	size_t len;

	if (ike_prf(ike->keys.prf, ike->keys.skeyid_a, ike->keys.prf_len, iov, 4, hash3) < 0)
		return -EIO;
	ike_build_header(&b, qm->retx.msg, sizeof(qm->retx.msg), ike->cky_i, ike->cky_r,
			 ISAKMP_EXCH_QUICK, 0, qm->mid);
	ike_build_payload(&b, ISAKMP_PL_HASH, hash3, ike->keys.prf_len);
	if (ike_build_finish(&b, &len) < 0 ||
	    ike_encrypt(ike, qm->retx.msg, &len, sizeof(qm->retx.msg), qm->iv) < 0)
		return -EIO;
	ike_send(ike, &qm->retx, qm->retx.msg, len, now);
	/* no answer is expected: keep QM3 only to repeat it if QM2 comes again */
	ike_retx_disarm(&qm->retx);
	ike_note_request(&qm->retx, raw, raw_len);
	return 0;
}

static int take_nonce(const struct ike_msg *m, uint8_t *out, size_t *out_len, size_t cap)
{
	const struct ike_payload *n = ike_msg_find(m, ISAKMP_PL_NONCE);

	if (!n || n->len < 8 || n->len > cap)
		return -EBADMSG;
	memcpy(out, n->body, n->len);
	*out_len = n->len;
	return 0;
}

static int rx_qm2(struct ike *ike, struct ike_qm *qm, const struct ike_msg *m,
		  const uint8_t *raw, size_t raw_len, usec_t now)
{
	struct accept_ctx a = { .ike = ike, .pfs = qm->pfs, .encap = our_encap(ike) };
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	uint8_t gqm[RV_DH_MAX_LEN];
	size_t gqm_len;
	int r;

	if (!sa || ike_check_hash(ike, m, qm->ni, qm->ni_len) < 0 ||
	    take_nonce(m, qm->nr, &qm->nr_len, sizeof(qm->nr)) < 0)
		return -EBADMSG;
	memcpy(qm->iv, ike->rx_next_iv, ike->keys.block_len);
	r = ike_sa_p2_select(sa, accept_choice, &a, &qm->choice);
	if (r < 0)
		return ike_fail(ike, 2, IKE_FAILURE_PROTOCOL, 0,
				"gateway answered Quick Mode with a proposal we did not offer");
	if (ike->p2_refused[0])
		return ike_fail(ike, 2, IKE_FAILURE_NO_PROPOSAL_CHOSEN, 0,
				"the gateway only accepts 3des-sha1 for ESP; set allow-legacy=true "
				"to use it");
	if (qm_gqm(qm, m, gqm, &gqm_len) < 0)
		return ike_fail(ike, 2, IKE_FAILURE_PROTOCOL, 0,
				"gateway's Quick Mode key exchange does not match PFS %s",
				qm->pfs ? "on" : "off");
	qm->spi_out = qm->choice.spi;
	qm->nat_oa_peer = peer_nat_oa(m, false);
	qm->lifetime = min_life(min_life(ike->cfg.esp_lifetime, qm->choice.life),
				responder_lifetime(m));
	r = make_child(ike, qm, gqm_len ? gqm : NULL, gqm_len);
	rv_wipe(gqm, sizeof(gqm));
	if (r < 0 || send_qm3(ike, qm, raw, raw_len, now) < 0)
		return ike_fail(ike, 2, IKE_FAILURE_INTERNAL, 0, "Quick Mode key derivation failed");
	if (m->flags & ISAKMP_FLAG_COMMIT) {
		/* RFC 2408 §3.1: wait for CONNECTED before using the SA (but not forever) */
		qm->state = IKE_QM_I_WAIT_CONNECTED;
		qm->deadline = now + IKE_QM_COMMIT_WAIT;
		return 0;
	}
	child_up(ike, qm, now);
	return 0;
}

/* Echo the gateway's chosen transform under its proposal number with our SPI. */
static void build_sa_reply(struct ike_builder *b, const struct ike_qm *qm)
{
	size_t start = ike_build_begin(b, ISAKMP_PL_SA);

	rv_writer_u32(&b->w, ISAKMP_DOI_IPSEC);
	rv_writer_u32(&b->w, ISAKMP_SIT_IDENTITY_ONLY);
	rv_writer_u8(&b->w, ISAKMP_PL_NONE);
	rv_writer_u8(&b->w, 0);
	rv_writer_u16(&b->w, (uint16_t)(8 + 4 + qm->choice.transform_len));
	rv_writer_u8(&b->w, qm->choice.proposal_no);
	rv_writer_u8(&b->w, ISAKMP_PROTO_ESP);
	rv_writer_u8(&b->w, 4);
	rv_writer_u8(&b->w, 1);
	rv_writer_u32(&b->w, qm->spi_in);
	rv_writer_u8(&b->w, ISAKMP_PL_NONE);
	rv_writer_bytes(&b->w, qm->choice.transform + 1, qm->choice.transform_len - 1);
	ike_build_end(b, start);
}

static int send_resp_qm2(struct ike *ike, struct ike_qm *qm, const struct ike_msg *m,
			 const uint8_t *ke, size_t ke_len, usec_t now)
{
	struct ike_builder b;
	size_t hash_at, len;
	bool has_oa = ike_msg_find(m, ISAKMP_PL_NATOA) != NULL;

	hash_at = ike_begin_hashed(ike, &b, qm->retx.msg, sizeof(qm->retx.msg),
				   ISAKMP_EXCH_QUICK, qm->mid);
	build_sa_reply(&b, qm);
	ike_build_payload(&b, ISAKMP_PL_NONCE, qm->nr, qm->nr_len);
	if (qm->pfs)
		ike_build_payload(&b, ISAKMP_PL_KE, ke, ke_len);
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == ISAKMP_PL_ID)
			ike_build_payload(&b, ISAKMP_PL_ID, m->pl[i].body, m->pl[i].len);
	if (has_oa) {
		/* as responder: NAT-OAi names the gateway, NAT-OAr us */
		build_nat_oa(ike, &b, ike->cfg.remote_addr);
		build_nat_oa(ike, &b, ike->cfg.local_addr);
	}
	if (ike_finish_hashed(ike, &b, hash_at, qm->ni, qm->ni_len, qm->iv, &len) < 0)
		return -EIO;
	ike_send(ike, &qm->retx, qm->retx.msg, len, now);
	ike_retx_disarm(&qm->retx);
	return 0;
}

/* The gateway starts a Quick Mode (SoftEther does, right after ours): answer it. */
static int rx_peer_qm1(struct ike *ike, const struct ike_msg *m, const uint8_t *raw,
		       size_t raw_len, usec_t now)
{
	struct accept_ctx a = { .ike = ike, .is_responder = true };
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	uint8_t ke[RV_DH_MAX_LEN], gqm[RV_DH_MAX_LEN];
	size_t ke_len = 0, gqm_len = 0;
	struct ike_qm *qm;
	int r;

	if (!sa || ike_check_hash(ike, m, NULL, 0) < 0)
		return -EBADMSG;
	qm = qm_alloc(ike, m->mid);
	if (!qm)
		return -EBUSY;
	qm->state = IKE_QM_R_WAIT3;
	qm->deadline = now + IKE_QM_RESPONDER_WAIT;
	memcpy(qm->iv, ike->rx_next_iv, ike->keys.block_len);
	qm->nr_len = IKE_NONCE_LEN;
	r = take_nonce(m, qm->ni, &qm->ni_len, sizeof(qm->ni));
	if (r == 0)
		r = ike_sa_p2_select(sa, accept_choice, &a, &qm->choice);
	if (r == 0)
		r = qm_pfs_setup(qm, qm->choice.group, ke, &ke_len);
	if (r == 0)
		r = qm_gqm(qm, m, gqm, &gqm_len);
	if (r == 0 && (new_spi(&qm->spi_in) < 0 || rv_random_bytes(qm->nr, qm->nr_len) < 0))
		r = -EIO;
	if (r < 0) {
		rv_log_debug(IKE_LOG, "gateway's Quick Mode %08x not acceptable (%d), ignored",
			     m->mid, r);
		qm_release(qm);
		return r == -EIO ? r : -EBADMSG;
	}
	qm->spi_out = qm->choice.spi;
	qm->nat_oa_peer = peer_nat_oa(m, true);
	qm->lifetime = min_life(ike->cfg.esp_lifetime, qm->choice.life);
	r = make_child(ike, qm, gqm_len ? gqm : NULL, gqm_len);
	rv_wipe(gqm, sizeof(gqm));
	if (r < 0 || send_resp_qm2(ike, qm, m, ke, ke_len, now) < 0) {
		qm_release(qm);
		return -EIO;
	}
	ike_note_request(&qm->retx, raw, raw_len);
	rv_log_debug(IKE_LOG, "answered the gateway's Quick Mode %08x", m->mid);
	return 0;
}

/* HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) */
static int rx_peer_qm3(struct ike *ike, struct ike_qm *qm, const struct ike_msg *m, usec_t now)
{
	uint8_t zero = 0, mid[4] = { qm->mid >> 24, qm->mid >> 16, qm->mid >> 8, qm->mid };
	struct rv_iov iov[] = { { &zero, 1 }, { mid, 4 }, { qm->ni, qm->ni_len },
				{ qm->nr, qm->nr_len } };
	const struct ike_payload *h = ike_msg_find(m, ISAKMP_PL_HASH);
	uint8_t want[RV_HASH_MAX_LEN];

	if (!h || h->len != ike->keys.prf_len ||
	    ike_prf(ike->keys.prf, ike->keys.skeyid_a, ike->keys.prf_len, iov, 4, want) < 0 ||
	    !rv_memeq(want, h->body, h->len))
		return -EBADMSG;
	memcpy(qm->iv, ike->rx_next_iv, ike->keys.block_len);
	qm->child.by_peer = true;
	child_up(ike, qm, now);
	return 0;
}

int ike_qm_rx(struct ike *ike, struct ike_msg *m, const uint8_t *raw, size_t raw_len,
	      usec_t now)
{
	struct ike_qm *qm = ike_qm_find(ike, m->mid);

	if (m->mid == 0)
		return -EBADMSG;
	if (!qm)
		return rx_peer_qm1(ike, m, raw, raw_len, now);
	switch (qm->state) {
	case IKE_QM_I_WAIT2:
		return rx_qm2(ike, qm, m, raw, raw_len, now);
	case IKE_QM_R_WAIT3:
		return rx_peer_qm3(ike, qm, m, now);
	case IKE_QM_I_WAIT_CONNECTED:
	case IKE_QM_DONE:
		/* Windows sends a fourth message with INITIAL-CONTACT; nothing to do */
		rv_log_debug(IKE_LOG, "extra message in finished Quick Mode %08x ignored", m->mid);
		return 0;
	case IKE_QM_FREE:
		break;
	}
	return -EBADMSG;
}

/* CONNECTED (commit bit): the SA may be used now. */
void ike_qm_connected(struct ike *ike, usec_t now)
{
	for (size_t i = 0; i < IKE_MAX_QM; i++)
		if (ike->qm[i].state == IKE_QM_I_WAIT_CONNECTED)
			child_up(ike, &ike->qm[i], now);
}

bool ike_qm_pending(const struct ike *ike)
{
	for (size_t i = 0; i < IKE_MAX_QM; i++)
		if (ike->qm[i].state == IKE_QM_I_WAIT2 ||
		    ike->qm[i].state == IKE_QM_I_WAIT_CONNECTED)
			return true;
	return false;
}

static struct ike_qm *pending_initiator(struct ike *ike)
{
	for (size_t i = 0; i < IKE_MAX_QM; i++)
		if (ike->qm[i].state == IKE_QM_I_WAIT2)
			return &ike->qm[i];
	return NULL;
}

static void refused_for_good(struct ike *ike, struct ike_qm *qm, uint16_t notify)
{
	char offer[200];

	if (notify == ISAKMP_N_INVALID_ID_INFORMATION) {
		ike_fail(ike, 2, IKE_FAILURE_INVALID_ID, notify,
			 "gateway refused our L2TP traffic selectors (UDP %u to UDP 1701, and "
			 "to any port)",
			 ike->cfg.l2tp_local_port);
		return;
	}
	if (ike->p2_refused[0]) {
		ike_fail(ike, 2, IKE_FAILURE_NO_PROPOSAL_CHOSEN, notify, "%s, nor 3des-sha1",
			 ike->p2_refused);
		return;
	}
	/* after the PFS retries, name the suites, not the last group tried */
	ike_p2_list(&ike->props, ike->props.pfs_auto ? 0 : qm->pfs, offer, sizeof(offer));
	ike_fail(ike, 2, IKE_FAILURE_NO_PROPOSAL_CHOSEN, notify,
		 "gateway rejected all ESP proposals; offered %s%s", offer,
		 ike->props.pfs_auto ? " (with and without PFS)" : "");
}

/*
 * Automatic ESP proposals without allow-legacy, all refused: one more
 * round with 3des-sha1 alone, only to name it (rx_qm2 fails on its pick
 * before QM3, so it is never keyed). The suites refused so far are kept
 * for the message should this be refused too.
 */
static bool start_legacy_probe(struct ike *ike, const struct ike_qm *qm)
{
	char offer[160];

	if (!ike->props.is_auto_p2 || ike->cfg.allow_legacy || ike->p2_refused[0])
		return false;
	ike_p2_list(&ike->props, ike->props.pfs_auto ? 0 : qm->pfs, offer, sizeof(offer));
	snprintf(ike->p2_refused, sizeof(ike->p2_refused),
		 "gateway rejected all ESP proposals; offered %s%s", offer,
		 ike->props.pfs_auto ? " (with and without PFS)" : "");
	ike->props.p2[0] = (struct ike_p2_proposal){ .transform = ESP_T_3DES,
						     .auth = ESP_AUTH_HMAC_SHA1 };
	ike->props.n_p2 = 1;
	ike->pfs_try = 0;
	rv_log_info(IKE_LOG, "gateway refused every ESP suite we use; probing with 3des-sha1");
	return true;
}

/* The gateway refused our Quick Mode: retry a variant it may like, or fail. */
void ike_qm_refused(struct ike *ike, uint16_t notify, usec_t now)
{
	struct ike_qm *qm = pending_initiator(ike);
	bool retry = false;

	if (!qm)
		return;
	if (notify == ISAKMP_N_INVALID_ID_INFORMATION && !ike->want_port0) {
		ike->want_port0 = true;
		retry = true;
	} else if (notify == ISAKMP_N_NO_PROPOSAL_CHOSEN && ike->props.pfs_auto &&
		   ike->pfs_try < 2) {
		ike->pfs_try++;
		retry = true;
	} else if (notify == ISAKMP_N_NO_PROPOSAL_CHOSEN) {
		retry = start_legacy_probe(ike, qm);
	}
	if (!retry) {
		refused_for_good(ike, qm, notify);
		return;
	}
	rv_log_debug(IKE_LOG, "Quick Mode refused (notify %u), retrying", notify);
	qm_release(qm);
	ike_qm_start(ike, now);
}

void ike_qm_tick(struct ike *ike, usec_t now)
{
	for (size_t i = 0; i < IKE_MAX_QM && ike->state == IKE_STATE_ESTABLISHED; i++) {
		struct ike_qm *qm = &ike->qm[i];
		struct ike_retx *retx = &qm->retx;

		if (qm->deadline && now >= qm->deadline) {
			if (qm->state == IKE_QM_I_WAIT_CONNECTED)
				child_up(ike, qm, now);
			else
				qm_release(qm);
			continue;
		}
		if (ike_retx_tick(ike, retx, now)) {
			ike_fail(ike, 2, IKE_FAILURE_TIMEOUT, 0,
				 "gateway did not answer our Quick Mode within %u s",
				 (unsigned int)(ike->timeout / USEC_PER_SEC));
			return;
		}
	}
}

usec_t ike_qm_deadline(const struct ike *ike)
{
	usec_t d = USEC_INFINITY;

	for (size_t i = 0; i < IKE_MAX_QM; i++) {
		const struct ike_qm *qm = &ike->qm[i];

		if (qm->state == IKE_QM_FREE)
			continue;
		if (qm->retx.is_armed)
			d = rv_usec_min(d, qm->retx.next_at);
		if (qm->deadline)
			d = rv_usec_min(d, qm->deadline);
	}
	return d;
}
