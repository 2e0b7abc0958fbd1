/*
 * L2TP control message codec: RFC 2661 3.1 (header), 4.1 (AVP format), 4.3
 * (hiding). The whole message is indexed before anyone acts on it.
 *
 * Quirks absorbed: vendor AVPs (Microsoft CorrID, SoftEther's) are indexed by
 * vendor id and never mistaken for IETF ones (xl2tpd#163); a hidden AVP is
 * decoded with the Random Vector that precedes it, chaining MD5 over the
 * ciphertext as the RFC says (l2tpns chains over plaintext, which only differs
 * past 14 value bytes, so those come out garbled from it: nothing to fix here).
 */
#include <errno.h>
#include <string.h>

#include "crypto/crypto.h"
#include "avp.h"

static int parse_header(struct rv_reader *r, struct l2tp_ctl_msg *m)
{
	uint16_t flags, length;

	if (!rv_reader_u16(r, &flags) || !rv_reader_u16(r, &length))
		return -EBADMSG;

	/* RFC 2661 3.1: control messages carry L and S; they never have an offset */
	if (!(flags & L2TP_HDR_T) || !(flags & L2TP_HDR_L) || !(flags & L2TP_HDR_S) ||
	    (flags & L2TP_HDR_O) || (flags & L2TP_HDR_VER_MASK) != L2TP_VERSION)
		return -EBADMSG;

	/* Bytes past Length (UDP padding) are ignored. */
	if (length < L2TP_CTL_HDR_LEN || length > r->len)
		return -EBADMSG;
	r->len = length;

	if (!rv_reader_u16(r, &m->tunnel_id) || !rv_reader_u16(r, &m->session_id) ||
	    !rv_reader_u16(r, &m->ns) || !rv_reader_u16(r, &m->nr))
		return -EBADMSG;

	return 0;
}

int l2tp_avp_unhide(uint16_t type, const struct rv_secret *secret, const uint8_t *rv,
		    size_t rv_len, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size)
{
	const uint8_t type_be[2] = { type >> 8, type & 0xff };
	size_t secret_len;
	const uint8_t *s = rv_secret_reveal(secret, &secret_len);
	uint8_t b[16];
	size_t orig;

	if (in_len < 2 || in_len > out_size)
		return -EBADMSG;

	for (size_t off = 0; off < in_len; off += 16) {
		/* b1 = MD5(type, secret, RV); bi = MD5(secret, c(i-1)) */
		const struct rv_iov first[] = { { type_be, 2 }, { s, secret_len }, { rv, rv_len } };
		const struct rv_iov next[] = { { s, secret_len }, { in + off - (off ? 16 : 0), 16 } };
		size_t n = in_len - off < 16 ? in_len - off : 16;

		if (rv_hash_v(RV_HASH_MD5, off ? next : first, off ? 2 : 3, b) < 0)
			return -EBADMSG;

		for (size_t i = 0; i < n; i++)
			out[off + i] = in[off + i] ^ b[i];
	}

	rv_wipe(b, sizeof(b));
	orig = (size_t)out[0] << 8 | out[1];
	if (orig > in_len - 2)
		return -EBADMSG;

	memmove(out, out + 2, orig);
	return (int)orig;
}

static int unhide(struct l2tp_ctl_msg *m, struct l2tp_avp *a, const struct rv_secret *secret,
		  const uint8_t *rv, size_t rv_len)
{
	uint8_t *out = m->hidden + m->hidden_used;
	int n;

	if (!secret || !rv) {
		a->is_undecodable = true;
		return 0;
	}

	n = l2tp_avp_unhide(a->type, secret, rv, rv_len, a->value, a->len, out,
			    sizeof(m->hidden) - m->hidden_used);
	if (n < 0)
		return n;

	m->hidden_used += a->len;
	a->value = out;
	a->len = (size_t)n;
	return 0;
}

static int parse_avp(struct rv_reader *r, struct l2tp_avp *a)
{
	uint16_t bits;
	size_t len;

	if (!rv_reader_u16(r, &bits) || !rv_reader_u16(r, &a->vendor) ||
	    !rv_reader_u16(r, &a->type))
		return -EBADMSG;

	len = bits & L2TP_AVP_LEN_MASK;
	if (len < L2TP_AVP_HDR_LEN || !rv_reader_bytes(r, &a->value, len - L2TP_AVP_HDR_LEN))
		return -EBADMSG;

	a->len = len - L2TP_AVP_HDR_LEN;
	a->is_mandatory = bits & L2TP_AVP_M;
	a->is_hidden = bits & L2TP_AVP_H;
	a->is_undecodable = false;
	return 0;
}

static int parse_avps(struct rv_reader *r, const struct rv_secret *secret, struct l2tp_ctl_msg *m)
{
	const uint8_t *rv = NULL;
	size_t rv_len = 0;

	while (rv_reader_left(r)) {
		struct l2tp_avp *a = &m->avps[m->n_avps];
		int err;

		if (m->n_avps == L2TP_MAX_AVPS || parse_avp(r, a) < 0)
			return -EBADMSG;

		m->n_avps++;
		/* RFC 2661 4.3: a Random Vector applies to the hidden AVPs after it */
		if (!a->vendor && a->type == L2TP_AVP_RANDOM_VECTOR && !a->is_hidden && a->len) {
			rv = a->value;
			rv_len = a->len;
		} else if (a->is_hidden) {
			err = unhide(m, a, secret, rv, rv_len);
			if (err < 0)
				return err;
		}
	}

	return 0;
}

static int parse_message_type(struct l2tp_ctl_msg *m)
{
	const struct l2tp_avp *a = &m->avps[0];

	if (!m->n_avps) {
		m->type = L2TP_MSG_ZLB;
		return 0;
	}

	/* RFC 2661 4.4.1: Message Type comes first and is never hidden */
	if (a->vendor || a->type != L2TP_AVP_MESSAGE_TYPE || a->is_hidden || a->len != 2)
		return -EBADMSG;

	m->type = (uint16_t)(a->value[0] << 8 | a->value[1]);
	/* Type 0 is reserved; it would look like our ZLB marker. */
	return m->type ? 0 : -EBADMSG;
}

int l2tp_ctl_parse(const uint8_t *data, size_t len, const struct rv_secret *secret,
		   struct l2tp_ctl_msg *ret)
{
	struct rv_reader r = rv_reader_init(data, len);
	int err;

	ret->n_avps = 0;
	ret->hidden_used = 0;
	err = parse_header(&r, ret);
	if (!err)
		err = parse_avps(&r, secret, ret);
	if (!err)
		err = parse_message_type(ret);

	if (err < 0)
		ret->n_avps = 0;
	return err;
}

const struct l2tp_avp *l2tp_msg_avp(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type)
{
	for (size_t i = 0; i < m->n_avps; i++) {
		if (!m->avps[i].vendor && m->avps[i].type == type)
			return &m->avps[i];
	}

	return NULL;
}

int l2tp_msg_get_bytes(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type,
		       const uint8_t **ret, size_t *ret_len)
{
	const struct l2tp_avp *a = l2tp_msg_avp(m, type);

	if (!a)
		return -ENOENT;
	if (a->is_undecodable)
		return -EBADMSG;

	*ret = a->value;
	*ret_len = a->len;
	return 0;
}

int l2tp_msg_get_u16(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type, uint16_t *ret)
{
	const uint8_t *v;
	size_t len;
	int err = l2tp_msg_get_bytes(m, type, &v, &len);

	if (err < 0)
		return err;
	if (len != 2)
		return -EBADMSG;

	*ret = (uint16_t)(v[0] << 8 | v[1]);
	return 0;
}

int l2tp_msg_get_u32(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type, uint32_t *ret)
{
	const uint8_t *v;
	size_t len;
	int err = l2tp_msg_get_bytes(m, type, &v, &len);

	if (err < 0)
		return err;
	if (len != 4)
		return -EBADMSG;

	*ret = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	return 0;
}

static bool is_known(const struct l2tp_avp *a)
{
	/* RFC 2661 section 4.4 defines 0..39; 20 is unassigned */
	return !a->vendor && a->type <= L2TP_AVP_SEQUENCING_REQUIRED && a->type != 20 &&
	       !a->is_undecodable;
}

const struct l2tp_avp *l2tp_msg_unknown_mandatory(const struct l2tp_ctl_msg *m)
{
	for (size_t i = 0; i < m->n_avps; i++) {
		if (m->avps[i].is_mandatory && !is_known(&m->avps[i]))
			return &m->avps[i];
	}

	return NULL;
}

void l2tp_ctl_begin(struct rv_writer *w, uint16_t tunnel_id, uint16_t session_id,
		    enum l2tp_msg_type type)
{
	rv_writer_u16(w, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION);
	rv_writer_u16(w, 0); /* Length, back-patched */
	rv_writer_u16(w, tunnel_id);
	rv_writer_u16(w, session_id);
	rv_writer_u32(w, 0); /* Ns and Nr, set on every (re)transmission */
	if (type != L2TP_MSG_ZLB)
		l2tp_avp_put_u16(w, true, L2TP_AVP_MESSAGE_TYPE, type);
}

size_t l2tp_ctl_finish(struct rv_writer *w)
{
	if (!rv_writer_ok(w) || w->len > UINT16_MAX)
		return 0;

	rv_writer_put_u16_at(w, 2, (uint16_t)w->len);
	return w->len;
}

void l2tp_avp_put(struct rv_writer *w, bool mandatory, enum l2tp_avp_type type,
		  const void *value, size_t len)
{
	if (len > L2TP_AVP_LEN_MASK - L2TP_AVP_HDR_LEN) {
		w->overflow = true;
		return;
	}

	rv_writer_u16(w, (uint16_t)((mandatory ? L2TP_AVP_M : 0) | (L2TP_AVP_HDR_LEN + len)));
	rv_writer_u16(w, 0);
	rv_writer_u16(w, type);
	rv_writer_bytes(w, value, len);
}

void l2tp_avp_put_u16(struct rv_writer *w, bool mandatory, enum l2tp_avp_type type, uint16_t v)
{
	const uint8_t b[2] = { v >> 8, v & 0xff };

	l2tp_avp_put(w, mandatory, type, b, sizeof(b));
}

void l2tp_avp_put_u32(struct rv_writer *w, bool mandatory, enum l2tp_avp_type type, uint32_t v)
{
	const uint8_t b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	l2tp_avp_put(w, mandatory, type, b, sizeof(b));
}

const char *l2tp_msg_type_name(uint16_t type)
{
	static const char *const names[] = {
		[L2TP_MSG_ZLB] = "ZLB",	       [L2TP_MSG_SCCRQ] = "SCCRQ", [L2TP_MSG_SCCRP] = "SCCRP",
		[L2TP_MSG_SCCCN] = "SCCCN",    [L2TP_MSG_STOPCCN] = "StopCCN",
		[L2TP_MSG_HELLO] = "HELLO",    [L2TP_MSG_OCRQ] = "OCRQ",   [L2TP_MSG_OCRP] = "OCRP",
		[L2TP_MSG_OCCN] = "OCCN",      [L2TP_MSG_ICRQ] = "ICRQ",   [L2TP_MSG_ICRP] = "ICRP",
		[L2TP_MSG_ICCN] = "ICCN",      [L2TP_MSG_CDN] = "CDN",	   [L2TP_MSG_WEN] = "WEN",
		[L2TP_MSG_SLI] = "SLI",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}
