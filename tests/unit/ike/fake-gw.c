/* Scripted IKEv1 responder for the unit tests; see fake-gw.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake-gw.h"

static const uint8_t vid_rfc3947[16] = { 0x4a, 0x13, 0x1c, 0x81, 0x07, 0x03, 0x58, 0x45,
					 0x5c, 0x57, 0x28, 0xf2, 0x0e, 0x95, 0x45, 0x2f };
static const uint8_t vid_draft02[16] = { 0xcd, 0x60, 0x46, 0x43, 0x35, 0xdf, 0x21, 0xf8,
					 0x7c, 0xfd, 0xb2, 0xfc, 0x68, 0xb6, 0xa4, 0x48 };
static const uint8_t vid_dpd[16] = { 0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9,
				     0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57, 0x01, 0x00 };
static const uint8_t vid_frag[20] = { 0x40, 0x48, 0xb7, 0xd5, 0x6e, 0xbc, 0xe8, 0x85, 0x25, 0xe7,
				      0xde, 0x7f, 0x00, 0xd6, 0xc2, 0xd3, 0x80, 0x00, 0x00, 0x00 };

void fake_gw_init(struct fake_gw *gw, const struct fake_gw_config *cfg)
{
	memset(gw, 0, sizeof(*gw));
	gw->cfg = *cfg;
	if (!gw->cfg.client_seen_port)
		gw->cfg.client_seen_port = 500;
}

void fake_gw_free(struct fake_gw *gw)
{
	rv_dh_free(gw->dh);
	gw->dh = NULL;
}

static struct fake_gw_msg *out_slot(struct fake_gw *gw)
{
	if (gw->n_out == sizeof(gw->out) / sizeof(gw->out[0]))
		abort();
	return &gw->out[gw->n_out++];
}

static bool natt_draft_only(const struct fake_gw *gw)
{
	return gw->cfg.natt_draft && !gw->cfg.natt_rfc;
}

static bool p1_acceptable(const struct fake_gw *gw, const struct ike_p1_proposal *p)
{
	char name[48];

	if (gw->cfg.p1_group && p->group != gw->cfg.p1_group)
		return false;
	ike_p1_name(p, name, sizeof(name));
	return !gw->cfg.p1_only || !strcmp(name, gw->cfg.p1_only);
}

/* Note the client's order in MM1 number n_mm1 (its first transform, their count). */
static void note_offer(struct fake_gw *gw, const struct ike_p1_proposal *p, size_t n_t)
{
	size_t i = gw->n_mm1 - 1;

	if (i >= 16)
		return;
	if (p)
		gw->mm1_first[i] = *p;
	gw->mm1_n_transforms[i] = n_t;
}

/* Pick a phase 1 transform; copies it for the reply. */
static int pick_p1(struct fake_gw *gw, const struct ike_payload *sa)
{
	struct rv_reader r = rv_reader_init(sa->body, sa->len), t;
	uint8_t next = ISAKMP_PL_T, n_t, spi_size;

	if (!rv_reader_skip(&r, 8 + 4 + 2) || !rv_reader_u8(&r, &spi_size) ||
	    !rv_reader_u8(&r, &n_t) || !rv_reader_skip(&r, spi_size))
		return -EBADMSG;
	while (next == ISAKMP_PL_T) {
		const uint8_t *start = rv_reader_ptr(&r);
		struct ike_p1_proposal p = { 0 };
		uint16_t len, type;
		uint32_t v;

		if (!rv_reader_u8(&r, &next) || !rv_reader_skip(&r, 1) || !rv_reader_u16(&r, &len) ||
		    len < 8 || !rv_reader_sub(&r, len - 4u, &t) || !rv_reader_skip(&t, 4))
			return -EBADMSG;
		while (ike_attr_next(&t, &type, &v) > 0) {
			if (type == IKE_ATTR_ENC)
				p.enc = v;
			else if (type == IKE_ATTR_HASH)
				p.hash = v;
			else if (type == IKE_ATTR_GROUP)
				p.group = v;
			else if (type == IKE_ATTR_KEY_LEN)
				p.key_bits = (uint16_t)v;
		}
		if (gw->n_mm1 && gw->mm1_n_transforms[(gw->n_mm1 - 1) % 16] == 0)
			note_offer(gw, &p, n_t);
		if (!p1_acceptable(gw, &p))
			continue;
		gw->k.p1 = p;
		memcpy(gw->chosen_t, start, len);
		gw->chosen_t[0] = ISAKMP_PL_NONE;
		gw->chosen_t_len = len;
		return 0;
	}
	return -ENOENT;
}

/* One fragment message: header with the message's cookies, M-ID 0, then payload 132. */
static void queue_fragment(struct fake_gw *gw, const uint8_t *msg, uint8_t num, bool last,
			   const uint8_t *data, size_t len)
{
	struct fake_gw_msg *o = out_slot(gw);
	size_t total = ISAKMP_HDR_LEN + 8 + len;

	memcpy(o->data, msg, 16);
	o->data[16] = ISAKMP_PL_FRAG;
	o->data[17] = ISAKMP_VERSION;
	o->data[18] = ISAKMP_EXCH_MAIN;
	memset(o->data + 19, 0, 5);
	o->data[24] = 0;
	o->data[25] = 0;
	o->data[26] = (uint8_t)(total >> 8);
	o->data[27] = (uint8_t)total;
	o->data[28] = 0;
	o->data[29] = 0;
	o->data[30] = (uint8_t)((len + 8) >> 8);
	o->data[31] = (uint8_t)(len + 8);
	o->data[32] = 0;
	o->data[33] = 0x42;   /* fragment ID 0x0042 */
	o->data[34] = num;
	o->data[35] = last ? 1 : 0;
	memcpy(o->data + 36, data, len);
	o->len = total;
	gw->n_frags_out++;
}

static void queue_built(struct fake_gw *gw, const uint8_t *buf, size_t len)
{
	struct fake_gw_msg *o;
	size_t n = gw->cfg.frag_size, off = 0;
	uint8_t num = 1;

	if (gw->cfg.fragmentation && n && len > n) {
		for (; off < len; off += n, num++)
			queue_fragment(gw, buf, num, off + n >= len, buf + off,
				       len - off < n ? len - off : n);
		return;
	}
	o = out_slot(gw);
	memcpy(o->data, buf, len);
	o->len = len;
}

static void finish_clear(struct fake_gw *gw, struct ike_builder *b)
{
	size_t len;

	if (ike_build_finish(b, &len) < 0)
		abort();
	queue_built(gw, b->w.buf, len);
}

int fake_gw_clear_notify(struct fake_gw *gw, const uint8_t cky_i[8], uint16_t type)
{
	uint8_t buf[256];
	struct ike_builder b;
	size_t start;

	ike_build_header(&b, buf, sizeof(buf), cky_i, gw->k.cky_r, ISAKMP_EXCH_INFO, 0, 0);
	start = ike_build_begin(&b, ISAKMP_PL_N);
	rv_writer_u32(&b.w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&b.w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&b.w, 0);
	rv_writer_u16(&b.w, type);
	ike_build_end(&b, start);
	finish_clear(gw, &b);
	return 0;
}

static int rx_mm1(struct fake_gw *gw, const struct ike_msg *m)
{
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	uint8_t buf[1024];
	struct ike_builder b;
	size_t start;
	int r;

	gw->n_mm1++;
	memcpy(gw->k.cky_i, m->cky_i, 8);
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == ISAKMP_PL_VID && m->pl[i].len == 20 &&
		    !memcmp(m->pl[i].body, vid_frag, 20))
			gw->saw_frag_vid = true;
	if (gw->cfg.refuse_p1)
		return fake_gw_clear_notify(gw, m->cky_i, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	if (!sa || sa->len > sizeof(gw->sa_i))
		return -EBADMSG;
	if (gw->n_mm1 <= 16)
		gw->mm1_n_transforms[gw->n_mm1 - 1] = 0;
	r = pick_p1(gw, sa);
	if (gw->cfg.p1_max_transforms && gw->n_mm1 <= 16 &&
	    gw->mm1_n_transforms[gw->n_mm1 - 1] > gw->cfg.p1_max_transforms)
		return -EMSGSIZE;  /* some gateways drop a large SA payload without a word */
	if (r == -ENOENT && (gw->cfg.p1_only || gw->cfg.p1_group))
		return fake_gw_clear_notify(gw, m->cky_i, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	if (r < 0)
		return -EBADMSG;
	memcpy(gw->sa_i, sa->body, sa->len);
	gw->sa_i_len = sa->len;
	rv_random_bytes(gw->k.cky_r, 8);

	ike_build_header(&b, buf, sizeof(buf), gw->k.cky_i, gw->k.cky_r, ISAKMP_EXCH_MAIN, 0, 0);
	start = ike_build_begin(&b, ISAKMP_PL_SA);
	rv_writer_u32(&b.w, ISAKMP_DOI_IPSEC);
	rv_writer_u32(&b.w, ISAKMP_SIT_IDENTITY_ONLY);
	rv_writer_u8(&b.w, 0);
	rv_writer_u8(&b.w, 0);
	rv_writer_u16(&b.w, (uint16_t)(8 + gw->chosen_t_len));
	rv_writer_u8(&b.w, 1);
	rv_writer_u8(&b.w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&b.w, 0);
	rv_writer_u8(&b.w, 1);
	rv_writer_bytes(&b.w, gw->chosen_t, gw->chosen_t_len);
	ike_build_end(&b, start);
	if (gw->cfg.natt_rfc)
		ike_build_payload(&b, ISAKMP_PL_VID, vid_rfc3947, 16);
	if (gw->cfg.natt_draft)
		ike_build_payload(&b, ISAKMP_PL_VID, vid_draft02, 16);
	ike_build_payload(&b, ISAKMP_PL_VID, vid_dpd, 16);
	if (gw->cfg.fragmentation)
		ike_build_payload(&b, ISAKMP_PL_VID, vid_frag, 20);
	finish_clear(gw, &b);
	gw->p1_state = 1;
	return 0;
}

static void setup_keys(struct fake_gw *gw, const uint8_t *gxy, size_t gxy_len)
{
	struct ike_keys *k = &gw->k.keys;
	int r;

	k->prf = ike_hash_alg(gw->k.p1.hash);
	k->cipher = ike_cbc_cipher(gw->k.p1.enc);
	k->block_len = rv_cbc_block_len(k->cipher);
	k->enc_key_len = ike_enc_key_len(&gw->k.p1);
	r = gw->cfg.cred ? ike_keys_derive_sig(k, gw->ni, gw->ni_len, gw->nr, sizeof(gw->nr), gxy,
					       gxy_len, gw->k.cky_i, gw->k.cky_r)
			 : ike_keys_derive(k, (const uint8_t *)gw->cfg.psk, strlen(gw->cfg.psk),
					   gw->ni, gw->ni_len, gw->nr, sizeof(gw->nr), gxy, gxy_len,
					   gw->k.cky_i, gw->k.cky_r);
	if (r < 0 || ike_keys_expand_enc(k) < 0 ||
	    ike_iv_phase1(k, k->prf, gw->gxi, gw->gx_len, gw->gxr, gw->gx_len, gw->k.p1_iv) < 0)
		abort();
	gw->k.has_keys = true;
}

static void build_natd(struct fake_gw *gw, struct ike_builder *b)
{
	enum rv_hash_alg h = ike_hash_alg(gw->k.p1.hash);
	uint8_t out[RV_HASH_MAX_LEN];
	uint8_t type = natt_draft_only(gw) ? ISAKMP_PL_NATD_DRAFT : ISAKMP_PL_NATD;
	uint32_t seen = gw->cfg.fake_natd ? gw->cfg.client_seen_addr ^ 0x01000000
					  : gw->cfg.client_seen_addr;

	ike_natd_hash(h, gw->k.cky_i, gw->k.cky_r, seen, gw->cfg.client_seen_port, out);
	ike_build_payload(b, type, out, rv_hash_len(h));
	ike_natd_hash(h, gw->k.cky_i, gw->k.cky_r, gw->cfg.addr, 500, out);
	ike_build_payload(b, type, out, rv_hash_len(h));
}

/* The initiator's KE and Ni (MM3, AM1; Ni's length checked): our DH half, Nr and the keys. */
static int take_ke_nonce(struct fake_gw *gw, const struct ike_payload *ke,
			 const struct ike_payload *ni)
{
	uint8_t gxy[RV_DH_MAX_LEN];

	rv_dh_free(gw->dh);
	gw->dh = rv_dh_new(gw->k.p1.group);
	gw->gx_len = rv_dh_public_len(gw->k.p1.group);
	if (!gw->dh || ke->len != gw->gx_len)
		return -EBADMSG;
	memcpy(gw->gxi, ke->body, ke->len);
	rv_dh_public(gw->dh, gw->gxr, gw->gx_len);
	if (rv_dh_compute(gw->dh, gw->gxi, gw->gx_len, gxy, sizeof(gxy)) < 0)
		return -EBADMSG;
	memcpy(gw->ni, ni->body, ni->len);
	gw->ni_len = ni->len;
	rv_random_bytes(gw->nr, sizeof(gw->nr));
	setup_keys(gw, gxy, rv_dh_secret_len(gw->k.p1.group));
	return 0;
}

static int rx_mm3(struct fake_gw *gw, const struct ike_msg *m)
{
	const struct ike_payload *ke = ike_msg_find(m, ISAKMP_PL_KE);
	const struct ike_payload *ni = ike_msg_find(m, ISAKMP_PL_NONCE);
	uint8_t buf[1024];
	struct ike_builder b;

	if (!ke || !ni || ni->len > sizeof(gw->ni))
		return -EBADMSG;
	gw->natd_seen = ike_msg_count(m, ISAKMP_PL_NATD) == 2;
	gw->saw_cr = ike_msg_find(m, ISAKMP_PL_CR) != NULL;
	if (take_ke_nonce(gw, ke, ni) < 0)
		return -EBADMSG;

	ike_build_header(&b, buf, sizeof(buf), gw->k.cky_i, gw->k.cky_r, ISAKMP_EXCH_MAIN, 0, 0);
	ike_build_payload(&b, ISAKMP_PL_KE, gw->gxr, gw->gx_len);
	ike_build_payload(&b, ISAKMP_PL_NONCE, gw->nr, sizeof(gw->nr));
	if (gw->natd_seen && (gw->cfg.natt_rfc || gw->cfg.natt_draft))
		build_natd(gw, &b);
	finish_clear(gw, &b);
	gw->p1_state = 2;
	return 0;
}

/* Decrypt a client message into buf and index it; *ret_last is its last cipher block. */
static int open_msg(struct fake_gw *gw, const uint8_t *msg, size_t len, const uint8_t *iv,
		    uint8_t *buf, struct ike_msg *m, uint8_t *ret_last)
{
	size_t bl = gw->k.keys.block_len, msg_len;
	int first = ike_msg_parse_header(msg, len, m, &msg_len);

	if (first < 0 || !(m->flags & ISAKMP_FLAG_ENC) || (msg_len - ISAKMP_HDR_LEN) % bl)
		return -EBADMSG;
	memcpy(buf, msg, msg_len);
	memcpy(ret_last, msg + msg_len - bl, bl);
	if (rv_cbc_crypt(gw->k.keys.cipher, false, gw->k.keys.enc_key, gw->k.keys.enc_key_len, iv,
			 buf + ISAKMP_HDR_LEN, msg_len - ISAKMP_HDR_LEN, buf + ISAKMP_HDR_LEN) < 0)
		return -EIO;
	return ike_msg_parse_chain(m, (uint8_t)first, buf + ISAKMP_HDR_LEN,
				   msg_len - ISAKMP_HDR_LEN);
}

static void p1_hash(struct fake_gw *gw, bool is_resp, const uint8_t *id, size_t id_len,
		    uint8_t *out)
{
	struct ike_keys *k = &gw->k.keys;
	struct rv_iov iov[] = {
		{ is_resp ? gw->gxr : gw->gxi, gw->gx_len },
		{ is_resp ? gw->gxi : gw->gxr, gw->gx_len },
		{ is_resp ? gw->k.cky_r : gw->k.cky_i, 8 },
		{ is_resp ? gw->k.cky_i : gw->k.cky_r, 8 },
		{ gw->sa_i, gw->sa_i_len },
		{ id, id_len },
	};

	ike_prf(k->prf, k->skeyid, k->prf_len, iov, 6, out);
}

static void note_initial_contact(struct fake_gw *gw, const struct ike_msg *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct ike_notify n;

		if (m->pl[i].type == ISAKMP_PL_N && ike_notify_parse(&m->pl[i], &n) == 0 &&
		    n.type == ISAKMP_N_INITIAL_CONTACT)
			gw->saw_initial_contact = true;
	}
}

/* The client's CERT + SIG over HASH_I: counts and checks them. */
static void check_client_sig(struct fake_gw *gw, const struct ike_msg *m,
			     const struct ike_payload *id)
{
	const struct ike_payload *cert = ike_msg_find(m, ISAKMP_PL_CERT);
	const struct ike_payload *sig = ike_msg_find(m, ISAKMP_PL_SIG);
	uint8_t want[RV_HASH_MAX_LEN];
	struct rv_x509_cert *c;

	gw->n_mm5_certs = (unsigned int)ike_msg_count(m, ISAKMP_PL_CERT);
	gw->mm5_id_type = id->len ? id->body[0] : 0;
	if (!cert || !sig || cert->len < 2 || cert->body[0] != IKE_CERT_X509_SIG)
		return;
	c = rv_x509_cert_from_der(cert->body + 1, cert->len - 1);
	p1_hash(gw, false, id->body, id->len, want);
	gw->mm5_sig_ok = c && rv_x509_verify_raw(c, want, gw->k.keys.prf_len, sig->body,
						 sig->len) == 0;
	rv_x509_cert_free(c);
}

/* MM6 with signatures: IDir, CERT, SIG over HASH_R. */
static void build_mm6_sig(struct fake_gw *gw, struct ike_builder *b)
{
	const struct rv_x509_cert *me = rv_x509_cred_cert(gw->cfg.cred);
	uint8_t id[512], der[2048], want[RV_HASH_MAX_LEN], sig[512];
	size_t id_len, der_len, sig_len, n_chain = rv_x509_cred_chain_len(gw->cfg.cred);

	if (gw->cfg.id_r) {
		memcpy(id, gw->cfg.id_r, gw->cfg.id_r_len);
		id_len = gw->cfg.id_r_len;
	} else {
		memset(id, 0, 4);
		id[0] = IKE_ID_DER_ASN1_DN;
		if (rv_x509_cert_subject_der(me, id + 4, sizeof(id) - 4, &id_len) < 0)
			abort();
		id_len += 4;
	}
	p1_hash(gw, true, id, id_len, want);
	if (rv_x509_sign_raw(gw->cfg.cred, want, gw->k.keys.prf_len, sig, sizeof(sig),
			     &sig_len) < 0 || rv_x509_cert_der(me, der + 1, sizeof(der) - 1,
								&der_len) < 0)
		abort();
	der[0] = IKE_CERT_X509_SIG;
	if (gw->cfg.bad_sig)
		sig[sig_len / 2] ^= 0x40;
	ike_build_payload(b, ISAKMP_PL_ID, id, id_len);
	if (!gw->cfg.no_cert)
		ike_build_payload(b, ISAKMP_PL_CERT, der, der_len + 1);
	for (size_t i = 0; i < n_chain && !gw->cfg.no_cert; i++) {
		if (rv_x509_cert_der(rv_x509_cred_chain(gw->cfg.cred, i), der + 1,
				     sizeof(der) - 1, &der_len) < 0)
			abort();
		ike_build_payload(b, ISAKMP_PL_CERT, der, der_len + 1);
	}
	ike_build_payload(b, ISAKMP_PL_SIG, sig, sig_len);
}

static int rx_mm5(struct fake_gw *gw, const uint8_t *msg, size_t len)
{
	static const uint8_t id_r[8] = { IKE_ID_IPV4_ADDR, 0, 0, 0, 0, 0, 0, 0 };
	uint8_t buf[8192], last[16], want[RV_HASH_MAX_LEN], out[8192];
	const struct ike_payload *id, *hash;
	struct ike_builder b;
	struct ike_msg m;
	size_t out_len;

	if (open_msg(gw, msg, len, gw->k.p1_iv, buf, &m, last) < 0 ||
	    !(id = ike_msg_find(&m, ISAKMP_PL_ID)))
		goto mismatch;
	if (gw->cfg.cred) {
		check_client_sig(gw, &m, id);
		if (!gw->mm5_sig_ok)
			goto mismatch;
	} else {
		if (!(hash = ike_msg_find(&m, ISAKMP_PL_HASH)))
			goto mismatch;
		p1_hash(gw, false, id->body, id->len, want);
		if (hash->len != gw->k.keys.prf_len || memcmp(want, hash->body, hash->len))
			goto mismatch;
	}
	gw->mm5_ok = true;
	note_initial_contact(gw, &m);
	memcpy(gw->k.p1_iv, last, gw->k.keys.block_len);

	ike_build_header(&b, out, sizeof(out), gw->k.cky_i, gw->k.cky_r, ISAKMP_EXCH_MAIN, 0, 0);
	if (gw->cfg.cred) {
		build_mm6_sig(gw, &b);
	} else {
		/* MM6 with ID_IPV4_ADDR 0.0.0.0, as SoftEther sends */
		p1_hash(gw, true, id_r, sizeof(id_r), want);
		ike_build_payload(&b, ISAKMP_PL_ID, id_r, sizeof(id_r));
		ike_build_payload(&b, ISAKMP_PL_HASH, want, gw->k.keys.prf_len);
	}
	if (ike_build_finish(&b, &out_len) < 0 ||
	    ike_encrypt(&gw->k, out, &out_len, sizeof(out), gw->k.p1_iv) < 0)
		abort();
	queue_built(gw, out, out_len);
	gw->p1_state = 3;
	return 0;
mismatch:
	if (gw->cfg.psk_mismatch_notify)
		fake_gw_clear_notify(gw, gw->k.cky_i, gw->cfg.psk_mismatch_notify);
	return -EACCES;
}

static int send_info(struct fake_gw *gw, uint8_t type, const uint8_t *body, size_t len)
{
	uint8_t buf[1024], iv[16];
	struct ike_builder b;
	size_t hash_at, out_len;
	uint32_t mid = rv_random_u32() | 1;

	ike_iv_phase2(&gw->k.keys, gw->k.keys.prf, gw->k.p1_iv, mid, iv);
	hash_at = ike_begin_hashed(&gw->k, &b, buf, sizeof(buf), ISAKMP_EXCH_INFO, mid);
	ike_build_payload(&b, type, body, len);
	if (ike_finish_hashed(&gw->k, &b, hash_at, NULL, 0, iv, &out_len) < 0)
		abort();
	queue_built(gw, buf, out_len);
	return 0;
}

int fake_gw_notify(struct fake_gw *gw, uint16_t type, uint8_t protocol, const uint8_t *spi,
		   size_t spi_len, const uint8_t *data, size_t data_len)
{
	uint8_t body[256];
	struct rv_writer w = rv_writer_init(body, sizeof(body));

	rv_writer_u32(&w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&w, protocol);
	rv_writer_u8(&w, (uint8_t)spi_len);
	rv_writer_u16(&w, type);
	rv_writer_bytes(&w, spi, spi_len);
	rv_writer_bytes(&w, data, data_len);
	return send_info(gw, ISAKMP_PL_N, body, w.len);
}

int fake_gw_delete(struct fake_gw *gw, uint8_t protocol, const uint8_t *spi, size_t spi_len)
{
	uint8_t body[64];
	struct rv_writer w = rv_writer_init(body, sizeof(body));

	rv_writer_u32(&w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&w, protocol);
	rv_writer_u8(&w, (uint8_t)spi_len);
	rv_writer_u16(&w, 1);
	rv_writer_bytes(&w, spi, spi_len);
	return send_info(gw, ISAKMP_PL_D, body, w.len);
}

static bool accept_gw(void *ctx, const struct ike_p2_choice *c)
{
	const struct fake_gw *gw = ctx;

	if (gw->cfg.esp_transform && (c->p.transform != gw->cfg.esp_transform ||
				      c->p.auth != gw->cfg.esp_auth))
		return false;
	return true;
}

/* Both directions' keys as the gateway sees them, named from the client's side. */
static void gw_child_keys(struct fake_gw *gw, uint8_t *enc_in, uint8_t *integ_in,
			  uint8_t *enc_out, uint8_t *integ_out, uint32_t spi_client_in,
			  uint32_t spi_gw_in)
{
	size_t el = ike_p2_enc_key_len(&gw->qm_choice.p), il = ike_p2_integ_key_len(&gw->qm_choice.p);
	uint8_t km[100];
	const uint8_t *g = gw->gqm_len ? gw->gqm : NULL;

	ike_keymat(&gw->k.keys, g, gw->gqm_len, ISAKMP_PROTO_ESP, spi_client_in, gw->qm_ni,
		   gw->qm_ni_len, gw->qm_nr, gw->qm_nr_len, km, el + il);
	if (enc_in)
		memcpy(enc_in, km, el);
	if (integ_in)
		memcpy(integ_in, km + el, il);
	ike_keymat(&gw->k.keys, g, gw->gqm_len, ISAKMP_PROTO_ESP, spi_gw_in, gw->qm_ni,
		   gw->qm_ni_len, gw->qm_nr, gw->qm_nr_len, km, el + il);
	if (enc_out)
		memcpy(enc_out, km, el);
	if (integ_out)
		memcpy(integ_out, km + el, il);
}

static void build_oa(struct fake_gw *gw, struct ike_builder *b, uint32_t addr)
{
	size_t start = ike_build_begin(b, natt_draft_only(gw) ? ISAKMP_PL_NATOA_DRAFT
							       : ISAKMP_PL_NATOA);

	rv_writer_u8(&b->w, IKE_ID_IPV4_ADDR);
	rv_writer_u8(&b->w, gw->cfg.oa_reserved_junk ? 0xaa : 0);
	rv_writer_u16(&b->w, gw->cfg.oa_reserved_junk ? 0x5555 : 0);
	rv_writer_bytes(&b->w, &addr, 4);
	ike_build_end(b, start);
}

static void build_qm_sa(struct fake_gw *gw, struct ike_builder *b, uint32_t spi)
{
	size_t start = ike_build_begin(b, ISAKMP_PL_SA);
	size_t t_at;

	rv_writer_u32(&b->w, ISAKMP_DOI_IPSEC);
	rv_writer_u32(&b->w, ISAKMP_SIT_IDENTITY_ONLY);
	rv_writer_u8(&b->w, 0);
	rv_writer_u8(&b->w, 0);
	rv_writer_u16(&b->w, 0);
	rv_writer_u8(&b->w, gw->qm_choice.proposal_no ? gw->qm_choice.proposal_no : 1);
	rv_writer_u8(&b->w, ISAKMP_PROTO_ESP);
	rv_writer_u8(&b->w, 4);
	rv_writer_u8(&b->w, 1);
	rv_writer_u32(&b->w, spi);
	t_at = b->w.len;
	rv_writer_u8(&b->w, 0);
	rv_writer_u8(&b->w, 0);
	rv_writer_u16(&b->w, 0);
	rv_writer_u8(&b->w, 1);
	rv_writer_u8(&b->w, gw->qm_choice.p.transform);
	rv_writer_u16(&b->w, 0);
	ike_attr_basic(&b->w, ESP_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	ike_attr_u32(&b->w, ESP_ATTR_LIFE_DURATION,
		     gw->cfg.qm2_life ? gw->cfg.qm2_life : gw->qm_choice.life ? gw->qm_choice.life
									  : 3600);
	ike_attr_basic(&b->w, ESP_ATTR_ENCAP, gw->qm_choice.encap);
	if (gw->qm_choice.p.auth)
		ike_attr_basic(&b->w, ESP_ATTR_AUTH, gw->qm_choice.p.auth);
	if (gw->qm_choice.p.key_bits)
		ike_attr_basic(&b->w, ESP_ATTR_KEY_LEN, gw->qm_choice.p.key_bits);
	if (gw->qm_choice.group)
		ike_attr_basic(&b->w, ESP_ATTR_GROUP, (uint16_t)gw->qm_choice.group);
	rv_writer_put_u16_at(&b->w, t_at + 2, (uint16_t)(b->w.len - t_at));
	rv_writer_put_u16_at(&b->w, start + 4 + 8 + 2, (uint16_t)(b->w.len - start - 12));
	ike_build_end(b, start);
}

static void add_responder_lifetime(struct fake_gw *gw, struct ike_builder *b)
{
	size_t start = ike_build_begin(b, ISAKMP_PL_N);

	rv_writer_u32(&b->w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&b->w, ISAKMP_PROTO_ESP);
	rv_writer_u8(&b->w, 4);
	rv_writer_u16(&b->w, ISAKMP_N_RESPONDER_LIFETIME);
	rv_writer_u32(&b->w, gw->spi_gw_in);
	ike_attr_basic(&b->w, ESP_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
	ike_attr_u32(&b->w, ESP_ATTR_LIFE_DURATION, gw->cfg.responder_lifetime);
	ike_build_end(b, start);
}

static void qm_ids(struct fake_gw *gw, const struct ike_msg *m)
{
	const struct ike_payload *ids[2] = { NULL, NULL };
	size_t n = 0;

	for (size_t i = 0; i < m->n && n < 2; i++)
		if (m->pl[i].type == ISAKMP_PL_ID)
			ids[n++] = &m->pl[i];
	if (n == 2 && ids[1]->len >= 8) {
		gw->qm1_id_type = ids[1]->body[0];
		gw->last_idcr_port = (uint16_t)(ids[1]->body[2] << 8 | ids[1]->body[3]);
	}
}

static int send_qm2(struct fake_gw *gw, const struct ike_msg *m, const uint8_t *ke_pub,
		    size_t ke_len)
{
	uint8_t buf[2048];
	struct ike_builder b;
	size_t hash_at, len;

	hash_at = ike_begin_hashed(&gw->k, &b, buf, sizeof(buf), ISAKMP_EXCH_QUICK, gw->qm_mid);
	build_qm_sa(gw, &b, gw->spi_gw_in);
	ike_build_payload(&b, ISAKMP_PL_NONCE, gw->qm_nr, gw->qm_nr_len);
	if (ke_pub)
		ike_build_payload(&b, ISAKMP_PL_KE, ke_pub, ke_len);
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == ISAKMP_PL_ID)
			ike_build_payload(&b, ISAKMP_PL_ID, m->pl[i].body, m->pl[i].len);
	if (gw->qm1_had_nat_oa) {
		build_oa(gw, &b, gw->cfg.client_seen_addr);
		build_oa(gw, &b, gw->cfg.addr);
	}
	if (gw->cfg.responder_lifetime)
		add_responder_lifetime(gw, &b);
	if (ike_finish_hashed(&gw->k, &b, hash_at, gw->qm_ni, gw->qm_ni_len, gw->qm_iv, &len) < 0)
		abort();
	if (gw->cfg.commit)
		buf[19] |= ISAKMP_FLAG_COMMIT;
	queue_built(gw, buf, len);
	return 0;
}

static int qm_dh(struct fake_gw *gw, const struct ike_msg *m, uint8_t *pub, size_t *pub_len)
{
	const struct ike_payload *ke = ike_msg_find(m, ISAKMP_PL_KE);
	struct rv_dh *dh;
	int r;

	gw->gqm_len = 0;
	gw->qm1_had_ke = ke != NULL;
	if (!ke)
		return 0;
	dh = rv_dh_new(gw->qm_choice.group);
	if (!dh)
		return -EINVAL;
	*pub_len = rv_dh_public_len(gw->qm_choice.group);
	rv_dh_public(dh, pub, *pub_len);
	r = rv_dh_compute(dh, ke->body, ke->len, gw->gqm, sizeof(gw->gqm));
	gw->gqm_len = rv_dh_secret_len(gw->qm_choice.group);
	rv_dh_free(dh);
	return r;
}

static int rx_qm1(struct fake_gw *gw, const struct ike_msg *m)
{
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	const struct ike_payload *ni = ike_msg_find(m, ISAKMP_PL_NONCE);
	uint8_t pub[RV_DH_MAX_LEN];
	size_t pub_len = 0;

	gw->n_qm1++;
	if (!sa || !ni || ike_check_hash(&gw->k, m, NULL, 0) < 0)
		return -EBADMSG;
	qm_ids(gw, m);
	gw->qm1_had_nat_oa = ike_msg_count(m, ISAKMP_PL_NATOA) == 2;
	if (gw->cfg.refuse_all_qm || (gw->cfg.require_pfs && !ike_msg_find(m, ISAKMP_PL_KE)))
		return fake_gw_notify(gw, ISAKMP_N_NO_PROPOSAL_CHOSEN, ISAKMP_PROTO_ESP, NULL, 0,
				      NULL, 0);
	if (gw->cfg.refuse_port_1701 && gw->last_idcr_port == 1701)
		return fake_gw_notify(gw, ISAKMP_N_INVALID_ID_INFORMATION, ISAKMP_PROTO_ESP, NULL,
				      0, NULL, 0);
	if (ike_sa_p2_select(sa, accept_gw, gw, &gw->qm_choice) < 0)
		return fake_gw_notify(gw, ISAKMP_N_NO_PROPOSAL_CHOSEN, ISAKMP_PROTO_ESP, NULL, 0,
				      NULL, 0);
	gw->qm1_encap = gw->qm_choice.encap;
	gw->spi_client_in = gw->qm_choice.spi;
	gw->spi_gw_in = 0x0a000000u + gw->n_qm1;
	memcpy(gw->qm_ni, ni->body, ni->len);
	gw->qm_ni_len = ni->len;
	gw->qm_nr_len = 24;
	rv_random_bytes(gw->qm_nr, gw->qm_nr_len);
	if (qm_dh(gw, m, pub, &pub_len) < 0)
		return -EBADMSG;
	gw_child_keys(gw, gw->enc_client_in, gw->integ_client_in, gw->enc_client_out,
		      gw->integ_client_out, gw->spi_client_in, gw->spi_gw_in);
	gw->qm_is_own = false;
	gw->qm_state = 1;
	return send_qm2(gw, m, gw->qm1_had_ke ? pub : NULL, pub_len);
}

/* The gateway's own Quick Mode, aes128-sha1 in the mode the client's used. */
static void start_own_qm(struct fake_gw *gw)
{
	uint8_t buf[2048];
	struct ike_builder b;
	size_t hash_at, len, start;

	gw->qm_mid = 0x7e570000u | (gw->n_qm1 & 0xffff);
	ike_iv_phase2(&gw->k.keys, gw->k.keys.prf, gw->k.p1_iv, gw->qm_mid, gw->qm_iv);
	gw->qm_choice = (struct ike_p2_choice){
		.p = { .transform = ESP_T_AES_CBC, .key_bits = 128, .auth = ESP_AUTH_HMAC_SHA1 },
		.encap = gw->qm1_encap, .life = 3600, .proposal_no = 1,
	};
	gw->own_spi_gw_in = 0x0b000001u;
	gw->qm_ni_len = 20;
	rv_random_bytes(gw->qm_ni, gw->qm_ni_len);
	gw->gqm_len = 0;
	hash_at = ike_begin_hashed(&gw->k, &b, buf, sizeof(buf), ISAKMP_EXCH_QUICK, gw->qm_mid);
	build_qm_sa(gw, &b, gw->own_spi_gw_in);
	ike_build_payload(&b, ISAKMP_PL_NONCE, gw->qm_ni, gw->qm_ni_len);
	start = ike_build_begin(&b, ISAKMP_PL_ID);
	rv_writer_u8(&b.w, IKE_ID_IPV4_ADDR);
	rv_writer_u8(&b.w, 17);
	rv_writer_u16(&b.w, 1701);
	rv_writer_bytes(&b.w, &gw->cfg.addr, 4);
	ike_build_end(&b, start);
	start = ike_build_begin(&b, ISAKMP_PL_ID);
	rv_writer_u8(&b.w, IKE_ID_IPV4_ADDR);
	rv_writer_u8(&b.w, 17);
	rv_writer_u16(&b.w, 1701);
	rv_writer_bytes(&b.w, &gw->cfg.client_seen_addr, 4);
	ike_build_end(&b, start);
	if (gw->qm1_had_nat_oa) {
		build_oa(gw, &b, gw->cfg.addr);
		build_oa(gw, &b, gw->cfg.client_seen_addr);
	}
	if (ike_finish_hashed(&gw->k, &b, hash_at, NULL, 0, gw->qm_iv, &len) < 0)
		abort();
	queue_built(gw, buf, len);
	gw->qm_is_own = true;
	gw->qm_state = 2;
}

static void send_hash3(struct fake_gw *gw)
{
	uint8_t zero = 0, mid[4] = { gw->qm_mid >> 24, gw->qm_mid >> 16, gw->qm_mid >> 8,
				     gw->qm_mid };
	struct rv_iov iov[] = { { &zero, 1 }, { mid, 4 }, { gw->qm_ni, gw->qm_ni_len },
				{ gw->qm_nr, gw->qm_nr_len } };
	uint8_t h[RV_HASH_MAX_LEN], buf[512];
	struct ike_builder b;
	size_t len;

	ike_prf(gw->k.keys.prf, gw->k.keys.skeyid_a, gw->k.keys.prf_len, iov, 4, h);
	ike_build_header(&b, buf, sizeof(buf), gw->k.cky_i, gw->k.cky_r, ISAKMP_EXCH_QUICK, 0,
			 gw->qm_mid);
	ike_build_payload(&b, ISAKMP_PL_HASH, h, gw->k.keys.prf_len);
	if (ike_build_finish(&b, &len) < 0 || ike_encrypt(&gw->k, buf, &len, sizeof(buf),
							  gw->qm_iv) < 0)
		abort();
	queue_built(gw, buf, len);
}

static bool hash3_ok(struct fake_gw *gw, const struct ike_msg *m)
{
	uint8_t zero = 0, mid[4] = { gw->qm_mid >> 24, gw->qm_mid >> 16, gw->qm_mid >> 8,
				     gw->qm_mid };
	struct rv_iov iov[] = { { &zero, 1 }, { mid, 4 }, { gw->qm_ni, gw->qm_ni_len },
				{ gw->qm_nr, gw->qm_nr_len } };
	const struct ike_payload *h = ike_msg_find(m, ISAKMP_PL_HASH);
	uint8_t want[RV_HASH_MAX_LEN];

	ike_prf(gw->k.keys.prf, gw->k.keys.skeyid_a, gw->k.keys.prf_len, iov, 4, want);
	return h && h->len == gw->k.keys.prf_len && !memcmp(h->body, want, h->len);
}

static void fourth_message(struct fake_gw *gw)
{
	uint8_t body[32];
	struct rv_writer w = rv_writer_init(body, sizeof(body));
	uint8_t buf[512];
	struct ike_builder b;
	size_t hash_at, len;

	rv_writer_u32(&w, ISAKMP_DOI_IPSEC);
	rv_writer_u8(&w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&w, 0);
	rv_writer_u16(&w, ISAKMP_N_INITIAL_CONTACT);
	hash_at = ike_begin_hashed(&gw->k, &b, buf, sizeof(buf), ISAKMP_EXCH_QUICK, gw->qm_mid);
	ike_build_payload(&b, ISAKMP_PL_N, body, w.len);
	if (ike_finish_hashed(&gw->k, &b, hash_at, NULL, 0, gw->qm_iv, &len) < 0)
		abort();
	queue_built(gw, buf, len);
}

static int rx_qm3(struct fake_gw *gw, const struct ike_msg *m)
{
	if (!hash3_ok(gw, m))
		return -EBADMSG;
	gw->n_qm3++;
	gw->qm_state = 3;
	if (gw->cfg.fourth_qm_msg)
		fourth_message(gw);
	if (gw->cfg.commit)
		fake_gw_notify(gw, ISAKMP_N_CONNECTED, ISAKMP_PROTO_ESP, NULL, 0, NULL, 0);
	if (gw->cfg.own_qm)
		start_own_qm(gw);
	return 0;
}

/* The client's QM2 answering our own Quick Mode. */
static int rx_own_qm2(struct fake_gw *gw, const struct ike_msg *m)
{
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	const struct ike_payload *nr = ike_msg_find(m, ISAKMP_PL_NONCE);
	struct ike_p2_choice c;
	uint8_t gw_enc_in[36];

	if (!sa || !nr || ike_check_hash(&gw->k, m, gw->qm_ni, gw->qm_ni_len) < 0 ||
	    ike_sa_p2_select(sa, accept_gw, gw, &c) < 0 || nr->len > sizeof(gw->qm_nr))
		return -EBADMSG;
	gw->n_own_qm2++;
	memcpy(gw->qm_nr, nr->body, nr->len);
	gw->qm_nr_len = nr->len;
	/* the client's inbound SPI is the one in its answer */
	gw_child_keys(gw, gw->own_enc_client_in, NULL, gw_enc_in, gw->own_integ_client_out,
		      c.spi, gw->own_spi_gw_in);
	send_hash3(gw);
	gw->qm_state = 3;
	return 0;
}

static int rx_info(struct fake_gw *gw, const struct ike_msg *m)
{
	if (ike_check_hash(&gw->k, m, NULL, 0) < 0)
		return -EBADMSG;
	for (size_t i = 0; i < m->n; i++) {
		struct ike_notify n;
		struct ike_delete d;

		if (m->pl[i].type == ISAKMP_PL_N && ike_notify_parse(&m->pl[i], &n) == 0 &&
		    n.type == ISAKMP_N_DPD_R_U_THERE_ACK && n.data_len == 4 &&
		    !memcmp(n.data, "\0\0\0\x2a", 4))
			gw->n_dpd_ack++;
		if (m->pl[i].type == ISAKMP_PL_D && ike_delete_parse(&m->pl[i], &d) == 0) {
			if (d.protocol == ISAKMP_PROTO_ESP && d.spi_len == 4) {
				gw->n_delete_esp++;
				gw->deleted_esp_spi = (uint32_t)d.spis[0] << 24 |
						      (uint32_t)d.spis[1] << 16 |
						      (uint32_t)d.spis[2] << 8 | d.spis[3];
			} else if (d.protocol == ISAKMP_PROTO_ISAKMP) {
				gw->n_delete_isakmp++;
			}
		}
	}
	return 0;
}

static int rx_protected(struct fake_gw *gw, const uint8_t *msg, size_t len)
{
	uint8_t buf[8192], iv[16], last[16];
	struct ike_msg hdr, m;
	size_t msg_len;
	bool is_qm;
	int r;

	if (ike_msg_parse_header(msg, len, &hdr, &msg_len) < 0)
		return -EBADMSG;
	is_qm = hdr.exchange == ISAKMP_EXCH_QUICK && hdr.mid == gw->qm_mid && gw->qm_state;
	if (is_qm)
		memcpy(iv, gw->qm_iv, 16);
	else
		ike_iv_phase2(&gw->k.keys, gw->k.keys.prf, gw->k.p1_iv, hdr.mid, iv);
	r = open_msg(gw, msg, len, iv, buf, &m, last);
	if (r < 0)
		return r;
	if (hdr.exchange == ISAKMP_EXCH_INFO)
		return rx_info(gw, &m);
	if (hdr.exchange != ISAKMP_EXCH_QUICK)
		return -EBADMSG;
	if (!is_qm) {
		gw->qm_mid = hdr.mid;
		memcpy(gw->qm_iv, last, 16);
		return rx_qm1(gw, &m);
	}
	memcpy(gw->qm_iv, last, 16);
	if (gw->qm_state == 1)
		return rx_qm3(gw, &m);
	if (gw->qm_state == 2)
		return rx_own_qm2(gw, &m);
	return -EBADMSG;
}


/* Aggressive Mode: AM1 (SA, KE, Ni, IDii) -> AM2 (SA, KE, Nr, IDir, HASH_R, NAT-D). */
static int rx_am1(struct fake_gw *gw, const struct ike_msg *m)
{
	static const uint8_t id_r[8] = { IKE_ID_IPV4_ADDR, 0, 0, 0, 198, 51, 100, 1 };
	const struct ike_payload *sa = ike_msg_find(m, ISAKMP_PL_SA);
	const struct ike_payload *ke = ike_msg_find(m, ISAKMP_PL_KE);
	const struct ike_payload *ni = ike_msg_find(m, ISAKMP_PL_NONCE);
	const struct ike_payload *id = ike_msg_find(m, ISAKMP_PL_ID);
	uint8_t buf[2048], hash_r[RV_HASH_MAX_LEN];
	struct ike_builder b;
	size_t start;

	gw->is_aggressive = true;
	memcpy(gw->k.cky_i, m->cky_i, 8);
	if (!sa || !ke || !ni || !id || sa->len > sizeof(gw->sa_i) || ni->len > sizeof(gw->ni) ||
	    id->len < 4 || pick_p1(gw, sa) < 0)
		return -EBADMSG;
	gw->am_id_type = id->body[0];
	memcpy(gw->sa_i, sa->body, sa->len);
	gw->sa_i_len = sa->len;
	rv_random_bytes(gw->k.cky_r, 8);
	if (take_ke_nonce(gw, ke, ni) < 0)
		return -EBADMSG;
	p1_hash(gw, true, id_r, sizeof(id_r), hash_r);

	ike_build_header(&b, buf, sizeof(buf), gw->k.cky_i, gw->k.cky_r, ISAKMP_EXCH_AGGRESSIVE,
			 0, 0);
	start = ike_build_begin(&b, ISAKMP_PL_SA);
	rv_writer_u32(&b.w, ISAKMP_DOI_IPSEC);
	rv_writer_u32(&b.w, ISAKMP_SIT_IDENTITY_ONLY);
	rv_writer_u8(&b.w, 0);
	rv_writer_u8(&b.w, 0);
	rv_writer_u16(&b.w, (uint16_t)(8 + gw->chosen_t_len));
	rv_writer_u8(&b.w, 1);
	rv_writer_u8(&b.w, ISAKMP_PROTO_ISAKMP);
	rv_writer_u8(&b.w, 0);
	rv_writer_u8(&b.w, 1);
	rv_writer_bytes(&b.w, gw->chosen_t, gw->chosen_t_len);
	ike_build_end(&b, start);
	ike_build_payload(&b, ISAKMP_PL_KE, gw->gxr, gw->gx_len);
	ike_build_payload(&b, ISAKMP_PL_NONCE, gw->nr, sizeof(gw->nr));
	ike_build_payload(&b, ISAKMP_PL_ID, id_r, sizeof(id_r));
	ike_build_payload(&b, ISAKMP_PL_HASH, hash_r, gw->k.keys.prf_len);
	if (gw->cfg.natt_rfc)
		ike_build_payload(&b, ISAKMP_PL_VID, vid_rfc3947, 16);
	if (gw->cfg.natt_rfc || gw->cfg.natt_draft)
		build_natd(gw, &b);
	finish_clear(gw, &b);
	gw->p1_state = 2;
	return 0;
}

/* AM3: HDR*, HASH_I [, NAT-D, NAT-D]; HASH_I covers the client's AM1 ID. */
static int rx_am3(struct fake_gw *gw, const uint8_t *msg, size_t len, const uint8_t *id_i,
		  size_t id_len)
{
	uint8_t buf[8192], last[16], want[RV_HASH_MAX_LEN];
	const struct ike_payload *hash;
	struct ike_msg m;

	if (open_msg(gw, msg, len, gw->k.p1_iv, buf, &m, last) < 0 ||
	    !(hash = ike_msg_find(&m, ISAKMP_PL_HASH)))
		return -EBADMSG;
	p1_hash(gw, false, id_i, id_len, want);
	if (hash->len != gw->k.keys.prf_len || memcmp(want, hash->body, hash->len))
		return -EACCES;
	gw->mm5_ok = true;
	gw->natd_seen = ike_msg_count(&m, ISAKMP_PL_NATD) == 2;
	memcpy(gw->k.p1_iv, last, gw->k.keys.block_len);
	gw->p1_state = 3;
	return 0;
}

/*
 * The client's fragments: in order only (the client sends them so), each
 * with M-ID 0, the Main Mode exchange type and a plain 8-byte header.
 */
static int rx_fragment(struct fake_gw *gw, const uint8_t *msg, size_t len)
{
	size_t plen = len > 32 ? (size_t)msg[30] << 8 | msg[31] : 0, data_len;
	uint16_t id = len > 33 ? (uint16_t)(msg[32] << 8 | msg[33]) : 0;

	if (plen < 8 || 28 + plen > len || msg[18] != ISAKMP_EXCH_MAIN || msg[20] | msg[21] |
	    msg[22] | msg[23] || msg[19] & ISAKMP_FLAG_ENC)
		return -EBADMSG;
	gw->n_frags_in++;
	gw->frag_in_max = len > gw->frag_in_max ? len : gw->frag_in_max;
	if (msg[34] == 1) {
		gw->frag_len = 0;
		gw->frag_next = 1;
		gw->frag_id = id;
	}
	data_len = plen - 8;
	if (msg[34] != gw->frag_next || id != gw->frag_id ||
	    gw->frag_len + data_len > sizeof(gw->frag_buf))
		return -EBADMSG;
	memcpy(gw->frag_buf + gw->frag_len, msg + 36, data_len);
	gw->frag_len += data_len;
	gw->frag_next++;
	if (!(msg[35] & 1))
		return 0;
	gw->n_frag_msgs_in++;
	gw->frag_next = 0;
	return fake_gw_rx(gw, gw->frag_buf, gw->frag_len);
}

/* A message on the ISAKMP SA the client's rekey replaced: handled with its keys. */
static int rx_old_sa(struct fake_gw *gw, const uint8_t *msg, size_t len)
{
	struct ike tmp = gw->k;
	int r;

	gw->k = gw->old_k;
	r = rx_protected(gw, msg, len);
	gw->old_k = gw->k;
	gw->k = tmp;
	return r;
}

/* MM1 with new cookies while an ISAKMP SA is up: the client's phase 1 rekey. */
static int rx_rekey_mm1(struct fake_gw *gw, const struct ike_msg *m)
{
	gw->n_p1_rekey++;
	if (gw->cfg.refuse_p1_rekey)
		return fake_gw_clear_notify(gw, m->cky_i, ISAKMP_N_NO_PROPOSAL_CHOSEN);
	if (gw->cfg.ignore_p1_rekey)
		return 0;
	gw->old_k = gw->k;
	gw->has_old_k = true;
	gw->p1_state = 0;
	gw->saw_initial_contact = false;
	return 1;
}

int fake_gw_delete_old_isakmp(struct fake_gw *gw)
{
	struct ike tmp = gw->k;
	uint8_t spi[16];
	int r;

	gw->k = gw->old_k;
	memcpy(spi, gw->k.cky_i, 8);
	memcpy(spi + 8, gw->k.cky_r, 8);
	r = fake_gw_delete(gw, ISAKMP_PROTO_ISAKMP, spi, 16);
	gw->k = tmp;
	return r;
}

int fake_gw_rx(struct fake_gw *gw, const uint8_t *msg, size_t len)
{
	struct ike_msg m;
	size_t msg_len;
	int first = ike_msg_parse_header(msg, len, &m, &msg_len);

	if (first < 0)
		return first;
	if (gw->has_old_k && !memcmp(m.cky_i, gw->old_k.cky_i, 8) &&
	    memcmp(m.cky_i, gw->k.cky_i, 8))
		return rx_old_sa(gw, msg, msg_len);
	if (gw->p1_state == 3 && memcmp(m.cky_i, gw->k.cky_i, 8) && first == ISAKMP_PL_SA &&
	    m.exchange == ISAKMP_EXCH_MAIN) {
		int r = rx_rekey_mm1(gw, &m);

		if (r <= 0)
			return r;
	}
	if (first == ISAKMP_PL_FRAG)
		return rx_fragment(gw, msg, msg_len);
	if (gw->p1_state == 2 && gw->is_aggressive)
		return rx_am3(gw, msg, len, gw->am_id, gw->am_id_len);
	if (gw->p1_state == 2)
		return rx_mm5(gw, msg, len);
	if (gw->p1_state == 3)
		return rx_protected(gw, msg, len);
	if (ike_msg_parse_chain(&m, (uint8_t)first, msg + ISAKMP_HDR_LEN,
				msg_len - ISAKMP_HDR_LEN) < 0)
		return -EBADMSG;
	if (gw->p1_state == 0 && m.exchange == ISAKMP_EXCH_AGGRESSIVE) {
		const struct ike_payload *id = ike_msg_find(&m, ISAKMP_PL_ID);

		if (id && id->len <= sizeof(gw->am_id)) {
			memcpy(gw->am_id, id->body, id->len);
			gw->am_id_len = id->len;
		}
		return rx_am1(gw, &m);
	}
	if (gw->p1_state == 0)
		return rx_mm1(gw, &m);
	return rx_mm3(gw, &m);
}
