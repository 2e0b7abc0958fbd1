/* L2TP control message codec: header, AVP index, hidden AVPs, hostile lengths. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "l2tp/avp.h"
#include "util/secret.h"

static struct l2tp_ctl_msg msg;

/* SCCRP: vendor AVP (Microsoft, type 9) placed before the IETF Assigned Tunnel ID. */
static const uint8_t sccrp[] = {
	0xc8, 0x02, 0x00, 0x38, 0x12, 0x34, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, /* Message Type SCCRP */
	0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00, /* Protocol Version 1.0 */
	0x00, 0x08, 0x01, 0x37, 0x00, 0x09, 0xbe, 0xef, /* vendor 311, type 9 */
	0x80, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x04, /* Assigned Tunnel ID 4 */
	0x80, 0x0c, 0x00, 0x00, 0x00, 0x07, 'l',  'n',  '-',  'l',  'n',  's', /* Host Name */
};

static void test_parse_sccrp(void **state)
{
	uint16_t v;
	const uint8_t *p;
	size_t len;

	assert_int_equal(l2tp_ctl_parse(sccrp, sizeof(sccrp), NULL, &msg), 0);
	assert_int_equal(msg.type, L2TP_MSG_SCCRP);
	assert_int_equal(msg.tunnel_id, 0x1234);
	assert_int_equal(msg.ns, 0);
	assert_int_equal(msg.nr, 1);
	assert_int_equal(msg.n_avps, 5);
	/* The vendor AVP with the same attribute number is not the IETF one (xl2tpd#163). */
	assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID, &v), 0);
	assert_int_equal(v, 4);
	assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_PROTOCOL_VERSION, &v), 0);
	assert_int_equal(v, 0x0100);
	assert_int_equal(l2tp_msg_get_bytes(&msg, L2TP_AVP_HOST_NAME, &p, &len), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(p, "ln-lns", 6);
	assert_null(l2tp_msg_unknown_mandatory(&msg));
}

static void test_getters_check_length(void **state)
{
	uint16_t v16 = 7;
	uint32_t v32 = 7;

	assert_int_equal(l2tp_ctl_parse(sccrp, sizeof(sccrp), NULL, &msg), 0);
	assert_int_equal(l2tp_msg_get_u32(&msg, L2TP_AVP_ASSIGNED_TUNNEL_ID, &v32), -EBADMSG);
	assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_HOST_NAME, &v16), -EBADMSG);
	assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_RECEIVE_WINDOW_SIZE, &v16), -ENOENT);
	assert_int_equal(v16, 7);
	assert_int_equal(v32, 7);
}

static void test_zlb(void **state)
{
	const uint8_t zlb[] = { 0xc8, 0x02, 0x00, 0x0c, 0x00, 0x05, 0x00, 0x00,
				0x00, 0x03, 0x00, 0x02 };

	assert_int_equal(l2tp_ctl_parse(zlb, sizeof(zlb), NULL, &msg), 0);
	assert_int_equal(msg.type, L2TP_MSG_ZLB);
	assert_int_equal(msg.n_avps, 0);
	assert_int_equal(msg.ns, 3);
	assert_int_equal(msg.nr, 2);
}

static void test_truncated_messages_rejected(void **state)
{
	/* The Length field says more than we have at every cut. */
	for (size_t n = 0; n < sizeof(sccrp); n++)
		assert_int_equal(l2tp_ctl_parse(sccrp, n, NULL, &msg), -EBADMSG);
}

static void test_header_length_field(void **state)
{
	uint8_t buf[sizeof(sccrp) + 4];
	const uint16_t bad[] = { 0, 1, 11, sizeof(sccrp) + 5, 0x3f, 0x7fff, 0x8000, 0xffff };

	memcpy(buf, sccrp, sizeof(sccrp));
	memset(buf + sizeof(sccrp), 0xaa, 4);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf[2] = bad[i] >> 8;
		buf[3] = bad[i] & 0xff;
		assert_int_equal(l2tp_ctl_parse(buf, sizeof(buf), NULL, &msg), -EBADMSG);
	}

	/* Trailing bytes past Length (UDP padding) are ignored. */
	buf[2] = 0;
	buf[3] = sizeof(sccrp);
	assert_int_equal(l2tp_ctl_parse(buf, sizeof(buf), NULL, &msg), 0);
	assert_int_equal(msg.n_avps, 5);
}

static void test_header_flags(void **state)
{
	const uint16_t bad[] = {
		0x4802, /* T clear */
		0x8802, /* no L */
		0xc002, /* no S */
		0xca02, /* O set */
		0xc803, /* version 3 */
		0xc801, /* version 1 (L2F) */
	};
	uint8_t buf[sizeof(sccrp)];

	memcpy(buf, sccrp, sizeof(sccrp));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf[0] = bad[i] >> 8;
		buf[1] = bad[i] & 0xff;
		assert_int_equal(l2tp_ctl_parse(buf, sizeof(buf), NULL, &msg), -EBADMSG);
	}
}

static void test_avp_length_field(void **state)
{
	/* The Protocol Version AVP's length (offset 20) across hostile values. */
	const uint16_t bad[] = { 0, 1, 5, 0x3ff, 0x3fe, 35, 37 };
	uint8_t buf[sizeof(sccrp)];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf, sccrp, sizeof(sccrp));
		buf[20] = 0x80 | bad[i] >> 8;
		buf[21] = bad[i] & 0xff;
		assert_int_equal(l2tp_ctl_parse(buf, sizeof(buf), NULL, &msg), -EBADMSG);
	}
}

static void test_message_type_must_come_first(void **state)
{
	uint8_t buf[sizeof(sccrp)];

	/* Swap the first two AVPs. */
	memcpy(buf, sccrp, sizeof(sccrp));
	memcpy(buf + 12, sccrp + 20, 8);
	memcpy(buf + 20, sccrp + 12, 8);
	assert_int_equal(l2tp_ctl_parse(buf, sizeof(buf), NULL, &msg), -EBADMSG);

	/* A Message Type of the wrong length. */
	memcpy(buf, sccrp, sizeof(sccrp));
	buf[13] = 0x07;
	assert_int_equal(l2tp_ctl_parse(buf, sizeof(buf), NULL, &msg), -EBADMSG);
}

static void test_too_many_avps(void **state)
{
	uint8_t buf[L2TP_CTL_HDR_LEN + 8 + (L2TP_MAX_AVPS) * 6];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));

	l2tp_ctl_begin(&w, 1, 0, L2TP_MSG_HELLO);
	for (size_t i = 0; i < L2TP_MAX_AVPS; i++)
		l2tp_avp_put(&w, false, 200, "", 0);
	assert_int_not_equal(l2tp_ctl_finish(&w), 0);
	assert_int_equal(l2tp_ctl_parse(buf, w.len, NULL, &msg), -EBADMSG);
	assert_int_equal(l2tp_ctl_parse(buf, w.len - 6, NULL, &msg), -EBADMSG);

	buf[2] = (uint8_t)((w.len - 6) >> 8);
	buf[3] = (uint8_t)(w.len - 6);
	assert_int_equal(l2tp_ctl_parse(buf, w.len - 6, NULL, &msg), 0);
	assert_int_equal(msg.n_avps, L2TP_MAX_AVPS);
}

static void test_unknown_mandatory(void **state)
{
	uint8_t buf[128];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	const struct l2tp_avp *a;

	l2tp_ctl_begin(&w, 1, 0, L2TP_MSG_HELLO);
	l2tp_avp_put(&w, false, 77, "x", 1);	 /* unknown, optional: skipped */
	l2tp_avp_put(&w, true, L2TP_AVP_ACCM, "abcdefghij", 10);
	rv_writer_bytes(&w, (const uint8_t[]){ 0x80, 0x08, 0x01, 0x37, 0x00, 0x01, 0, 0 }, 8);
	assert_int_not_equal(l2tp_ctl_finish(&w), 0);
	assert_int_equal(l2tp_ctl_parse(buf, w.len, NULL, &msg), 0);
	a = l2tp_msg_unknown_mandatory(&msg);
	assert_non_null(a);
	assert_int_equal(a->vendor, 311);
	assert_int_equal(a->type, 1);
}

/*
 * RFC 2661 4.3 vectors computed by hand (Python hashlib) for secret
 * "ln-tunnel-secret" and Random Vector 01..10: Assigned Session ID 0x1234
 * padded to 8 bytes, and a 28-byte Calling Number spanning two MD5 blocks
 * (the second block chains over the first block's ciphertext).
 */
static const uint8_t rv[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static const uint8_t hidden_sid[] = { 0x7e, 0xda, 0x9e, 0x54, 0xf4, 0xe0, 0x30, 0x94 };
static const uint8_t hidden_calling[] = {
	0xff, 0xfe, 0x75, 0x14, 0x69, 0x65, 0x9c, 0x0c, 0x05, 0x40, 0x99, 0xbb, 0x69, 0x87, 0xdf,
	0x18, 0x72, 0x33, 0x65, 0xe6, 0xc1, 0x36, 0x9b, 0xcf, 0xd6, 0x3a, 0x92, 0xbf, 0x23, 0x1d,
};

static size_t build_hidden_icrp(uint8_t *buf, size_t cap, bool with_rv)
{
	struct rv_writer w = rv_writer_init(buf, cap);

	l2tp_ctl_begin(&w, 9, 0, L2TP_MSG_ICRP);
	if (with_rv)
		l2tp_avp_put(&w, true, L2TP_AVP_RANDOM_VECTOR, rv, sizeof(rv));
	rv_writer_u16(&w, L2TP_AVP_M | L2TP_AVP_H | (6 + sizeof(hidden_sid)));
	rv_writer_u16(&w, 0);
	rv_writer_u16(&w, L2TP_AVP_ASSIGNED_SESSION_ID);
	rv_writer_bytes(&w, hidden_sid, sizeof(hidden_sid));
	rv_writer_u16(&w, L2TP_AVP_H | (6 + sizeof(hidden_calling)));
	rv_writer_u16(&w, 0);
	rv_writer_u16(&w, L2TP_AVP_CALLING_NUMBER);
	rv_writer_bytes(&w, hidden_calling, sizeof(hidden_calling));
	return l2tp_ctl_finish(&w);
}

static void test_hidden_avp_decode(void **state)
{
	struct rv_secret *s = rv_secret_new_str("ln-tunnel-secret");
	uint8_t buf[256];
	size_t len = build_hidden_icrp(buf, sizeof(buf), true);
	const uint8_t *p;
	size_t plen;
	uint16_t sid;

	assert_int_equal(l2tp_ctl_parse(buf, len, s, &msg), 0);
	assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_ASSIGNED_SESSION_ID, &sid), 0);
	assert_int_equal(sid, 0x1234);
	assert_int_equal(l2tp_msg_get_bytes(&msg, L2TP_AVP_CALLING_NUMBER, &p, &plen), 0);
	assert_int_equal(plen, 28);
	assert_memory_equal(p, "ln-calling-number-0123456789", 28);
	assert_null(l2tp_msg_unknown_mandatory(&msg));
	rv_secret_free(s);
}

static void test_hidden_avp_wrong_secret_or_no_rv(void **state)
{
	struct rv_secret *wrong = rv_secret_new_str("other-secret");
	uint8_t buf[256];
	size_t len = build_hidden_icrp(buf, sizeof(buf), false);
	uint16_t sid;
	int err;

	/* No Random Vector before the hidden AVPs: undecodable, and mandatory. */
	assert_int_equal(l2tp_ctl_parse(buf, len, wrong, &msg), 0);
	assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_ASSIGNED_SESSION_ID, &sid), -EBADMSG);
	assert_non_null(l2tp_msg_unknown_mandatory(&msg));

	/* No secret at all. */
	len = build_hidden_icrp(buf, sizeof(buf), true);
	assert_int_equal(l2tp_ctl_parse(buf, len, NULL, &msg), 0);
	assert_non_null(l2tp_msg_unknown_mandatory(&msg));

	/* A wrong secret decodes garbage: either a bad length or a wrong value. */
	err = l2tp_ctl_parse(buf, len, wrong, &msg);
	if (!err) {
		assert_int_equal(l2tp_msg_get_u16(&msg, L2TP_AVP_ASSIGNED_SESSION_ID, &sid) == 0 &&
					 sid == 0x1234,
				 0);
	} else {
		assert_int_equal(err, -EBADMSG);
	}
	rv_secret_free(wrong);
}

static void test_unhide_rejects_bad_lengths(void **state)
{
	struct rv_secret *s = rv_secret_new_str("ln-tunnel-secret");
	uint8_t out[64];

	assert_int_equal(l2tp_avp_unhide(14, s, rv, sizeof(rv), hidden_sid, 1, out, sizeof(out)),
			 -EBADMSG);
	assert_int_equal(l2tp_avp_unhide(14, s, rv, sizeof(rv), hidden_sid, 8, out, 7), -EBADMSG);
	assert_int_equal(l2tp_avp_unhide(14, s, rv, sizeof(rv), hidden_sid, 8, out, sizeof(out)),
			 2);
	assert_int_equal(out[0], 0x12);
	assert_int_equal(out[1], 0x34);
	/* The original length (2) does not fit in 3 bytes minus the length field. */
	assert_int_equal(l2tp_avp_unhide(14, s, rv, sizeof(rv), hidden_sid, 3, out, sizeof(out)),
			 -EBADMSG);
	rv_secret_free(s);
}

static void test_writer_round_trip(void **state)
{
	uint8_t buf[64];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	uint32_t v;

	l2tp_ctl_begin(&w, 0xabcd, 0x0102, L2TP_MSG_ICCN);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_TX_CONNECT_SPEED, 100000000);
	assert_int_equal(l2tp_ctl_finish(&w), 12 + 8 + 10);
	assert_int_equal(l2tp_ctl_parse(buf, w.len, NULL, &msg), 0);
	assert_int_equal(msg.type, L2TP_MSG_ICCN);
	assert_int_equal(msg.tunnel_id, 0xabcd);
	assert_int_equal(msg.session_id, 0x0102);
	assert_true(msg.avps[1].is_mandatory);
	assert_int_equal(l2tp_msg_get_u32(&msg, L2TP_AVP_TX_CONNECT_SPEED, &v), 0);
	assert_int_equal(v, 100000000);

	/* Overflow is reported, not truncated. */
	w = rv_writer_init(buf, 20);
	l2tp_ctl_begin(&w, 1, 0, L2TP_MSG_ICCN);
	l2tp_avp_put_u32(&w, true, L2TP_AVP_TX_CONNECT_SPEED, 1);
	assert_int_equal(l2tp_ctl_finish(&w), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_sccrp),
		cmocka_unit_test(test_getters_check_length),
		cmocka_unit_test(test_zlb),
		cmocka_unit_test(test_truncated_messages_rejected),
		cmocka_unit_test(test_header_length_field),
		cmocka_unit_test(test_header_flags),
		cmocka_unit_test(test_avp_length_field),
		cmocka_unit_test(test_message_type_must_come_first),
		cmocka_unit_test(test_too_many_avps),
		cmocka_unit_test(test_unknown_mandatory),
		cmocka_unit_test(test_hidden_avp_decode),
		cmocka_unit_test(test_hidden_avp_wrong_secret_or_no_rv),
		cmocka_unit_test(test_unhide_rejects_bad_lengths),
		cmocka_unit_test(test_writer_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
