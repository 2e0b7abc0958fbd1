/*
 * Proposal strings (good and bad, the error names the token), SA payload
 * round trips, the payload chain walker against hostile lengths, and the
 * attribute reader.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ike/ike-internal.h"

static int parse(const char *ike, const char *esp, const char *pfs, struct ike_proposals *ps,
		 char *err)
{
	struct ike_config cfg = { .ike_proposals = ike, .esp_proposals = esp, .pfs = pfs };

	err[0] = 0;
	return ike_proposals_parse(&cfg, ps, err, 160);
}

static void test_defaults(void **state)
{
	struct ike_proposals ps;
	char err[160], list[400];

	assert_int_equal(parse(NULL, NULL, NULL, &ps, err), 0);
	assert_true(ps.is_auto_p1 && ps.is_auto_p2);
	assert_int_equal(ps.n_p1, IKE_FIRST_OFFER);
	assert_int_equal(ps.n_probe, IKE_MAX_P1_PROBES);
	assert_true(ps.n_p2 >= 5);
	assert_int_equal(ps.pfs, 0);
	assert_true(ps.pfs_auto);
	ike_p1_list(&ps, ps.n_p1, list, sizeof(list));
	/* strong first; what SoftEther and strongSwan accept is in the first offer */
	assert_int_equal(strncmp(list, "aes256-sha256-modp2048, ", 24), 0);
	assert_non_null(strstr(list, "aes256-sha1-modp2048"));
	assert_non_null(strstr(list, "aes128-sha256-modp2048"));
	assert_non_null(strstr(list, "aes128-sha1-ecp256"));
	/* no legacy suite is offered without allow_legacy ... */
	assert_null(strstr(list, "3des"));
	assert_null(strstr(list, "modp1024"));
	for (size_t i = 0; i < ps.n_p1; i++)
		assert_false(ike_p1_is_legacy(&ps.p1[i]));
	/* ... only probed, 3des-sha1-modp1024 first of them */
	assert_int_equal(ps.probe[0].group, RV_DH_MODP1536);
	assert_int_equal(ps.probe[1].enc, IKE_ENC_3DES);
	assert_int_equal(ps.probe[1].group, RV_DH_MODP1024);
	ike_p2_list(&ps, 0, list, sizeof(list));
	assert_non_null(strstr(list, "aes128-gcm16"));
	assert_non_null(strstr(list, "aes256-sha256"));
	assert_null(strstr(list, "3des"));
}

/* allow_legacy adds 3DES to phase 2; the remembered suites go first. */
static void test_auto_legacy_and_preferred(void **state)
{
	struct ike_config cfg = { .allow_legacy = true, .preferred_ike = "3des-sha1-modp1024",
				  .preferred_esp = "aes256-sha1" };
	struct ike_proposals ps;
	char err[160], list[400];

	assert_int_equal(ike_proposals_parse(&cfg, &ps, err, sizeof(err)), 0);
	ike_p1_list(&ps, ps.n_p1, list, sizeof(list));
	assert_int_equal(strncmp(list, "3des-sha1-modp1024, aes256-sha256-modp2048, ", 44), 0);
	assert_int_equal(ps.n_p1, IKE_FIRST_OFFER);
	for (size_t i = 0; i < ps.n_probe; i++)   /* not offered twice */
		assert_false(ps.probe[i].enc == IKE_ENC_3DES && ps.probe[i].group == RV_DH_MODP1024);
	ike_p2_list(&ps, 0, list, sizeof(list));
	assert_int_equal(strncmp(list, "aes256-sha1, aes128-gcm16, ", 27), 0);
	assert_non_null(strstr(list, "3des-sha1"));

	/* a legacy or unparsable remembered suite is ignored without allow_legacy */
	cfg.allow_legacy = false;
	cfg.preferred_esp = "3des-sha1";
	assert_int_equal(ike_proposals_parse(&cfg, &ps, err, sizeof(err)), 0);
	ike_p1_list(&ps, ps.n_p1, list, sizeof(list));
	assert_int_equal(strncmp(list, "aes256-sha256-modp2048, ", 24), 0);
	ike_p2_list(&ps, 0, list, sizeof(list));
	assert_null(strstr(list, "3des"));
	cfg.preferred_ike = "junk-sha1";
	cfg.preferred_esp = "x";
	assert_int_equal(ike_proposals_parse(&cfg, &ps, err, sizeof(err)), 0);
	assert_int_equal(ps.n_p1, IKE_FIRST_OFFER);

	/* an explicit list is used as written: no probes, legacy allowed */
	cfg.ike_proposals = "3des-sha1-modp1024";
	assert_int_equal(ike_proposals_parse(&cfg, &ps, err, sizeof(err)), 0);
	assert_int_equal(ps.n_p1, 1);
	assert_int_equal(ps.n_probe, 0);
	assert_false(ps.is_auto_p1);
}

static void test_custom(void **state)
{
	struct ike_proposals ps;
	char err[160], name[48];

	assert_int_equal(parse(" aes256-sha256-modp2048 , aes128-sha1-ecp256", "aes256gcm16, 3des-sha1",
			       "modp1536", &ps, err), 0);
	assert_int_equal(ps.n_p1, 2);
	assert_int_equal(ps.p1[0].enc, IKE_ENC_AES);
	assert_int_equal(ps.p1[0].key_bits, 256);
	assert_int_equal(ps.p1[0].hash, IKE_HASH_SHA256);
	assert_int_equal(ps.p1[0].group, 14);
	assert_int_equal(ps.p1[1].group, 19);
	assert_int_equal(ps.n_p2, 2);
	assert_int_equal(ps.p2[0].transform, ESP_T_AES_GCM16);
	assert_int_equal(ps.p2[0].auth, ESP_AUTH_NONE);
	assert_int_equal(ps.p2[1].transform, ESP_T_3DES);
	assert_int_equal(ps.pfs, 5);
	assert_false(ps.pfs_auto);
	ike_p2_name(&ps.p2[0], ps.pfs, name, sizeof(name));
	assert_string_equal(name, "aes256-gcm16-modp1536");

	/* a group on the ESP proposals sets PFS; "none" turns it off */
	assert_int_equal(parse(NULL, "aes128-sha1-modp2048,aes256-sha1-modp2048", NULL, &ps, err), 0);
	assert_int_equal(ps.pfs, 14);
	assert_int_equal(parse(NULL, NULL, "none", &ps, err), 0);
	assert_int_equal(ps.pfs, 0);
	assert_false(ps.pfs_auto);
}

static void test_bad(void **state)
{
	static const struct {
		const char *ike, *esp, *pfs, *must_name;
	} bad[] = {
		{ "aes256-sha256-modp2047", NULL, NULL, "aes256-sha256-modp2047" },
		{ "aes256-sha256", NULL, NULL, "aes256-sha256" },
		{ "aes256-sha256-modp2048-x", NULL, NULL, "modp2048-x" },
		{ "aes256-sha256-modp2048,,", NULL, NULL, "\"\"" },
		{ "", NULL, NULL, "empty" },
		{ "des-sha1-modp1024", NULL, NULL, "des-sha1" },
		{ NULL, "aes128-md5", NULL, "aes128-md5" },
		{ NULL, "aes128gcm16-sha1", NULL, "aes128gcm16-sha1" },
		{ NULL, "aes128", NULL, "\"aes128\"" },
		{ NULL, "aes128-sha1-modp2048,aes256-sha1-ecp256", NULL, "one PFS group" },
		{ NULL, NULL, "modp999", "modp999" },
		{ NULL, "aes128-sha1-modp2048", "modp1024", "conflicts" },
	};
	struct ike_proposals ps;
	char err[160];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].ike, bad[i].esp, bad[i].pfs, &ps, err), -EINVAL);
		if (!strstr(err, bad[i].must_name))
			fail_msg("case %zu: \"%s\" does not name \"%s\"", i, err, bad[i].must_name);
	}
}

static void test_check_config(void **state)
{
	struct rv_secret *psk = rv_secret_new_str("secret");
	struct ike_config cfg = { .psk = psk, .local_id = "keyid:GroupVPN" };
	char err[160];

	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), 0);
	cfg.local_id = "ipv4:300.1.1.1";
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "local id"));
	cfg.local_id = NULL;
	cfg.psk = NULL;
	assert_int_equal(ike_check_config(&cfg, err, sizeof(err)), -EINVAL);
	rv_secret_free(psk);
}

static void test_local_id(void **state)
{
	uint8_t out[300];
	size_t len;

	assert_int_equal(ike_id_encode(NULL, 0x0102000a, out, sizeof(out), &len), 0);
	assert_int_equal(len, 8);
	assert_memory_equal(out, "\x01\x00\x00\x00\x0a\x00\x02\x01", 8);
	assert_int_equal(ike_id_encode("keyid:Group", 0, out, sizeof(out), &len), 0);
	assert_int_equal(out[0], IKE_ID_KEY_ID);
	assert_memory_equal(out + 4, "Group", 5);
	assert_int_equal(ike_id_encode("vpn.example.net", 0, out, sizeof(out), &len), 0);
	assert_int_equal(out[0], IKE_ID_FQDN);
	assert_int_equal(ike_id_encode("alice@example.net", 0, out, sizeof(out), &len), 0);
	assert_int_equal(out[0], IKE_ID_USER_FQDN);
	assert_int_equal(ike_id_encode("192.0.2.7", 0, out, sizeof(out), &len), 0);
	assert_int_equal(out[0], IKE_ID_IPV4_ADDR);
	assert_memory_equal(out + 4, "\xc0\x00\x02\x07", 4);
	assert_int_equal(ike_id_encode("keyid:", 0, out, sizeof(out), &len), -EINVAL);
}

static void test_sa_roundtrip(void **state)
{
	struct ike_proposals ps;
	char err[160];
	uint8_t buf[1024];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	struct ike_payload sa = { .type = ISAKMP_PL_SA, .body = buf };
	struct ike_p1_proposal p;
	uint32_t life;

	assert_int_equal(parse("aes128-sha256-ecp256", NULL, NULL, &ps, err), 0);
	ike_sa_p1_build(&w, ps.p1, 1, 100000);
	assert_true(rv_writer_ok(&w));
	sa.len = w.len;
	/* a single transform reads back as the responder's choice */
	assert_int_equal(ike_sa_p1_parse(&sa, &p, &life), 0);
	assert_int_equal(p.enc, IKE_ENC_AES);
	assert_int_equal(p.key_bits, 128);
	assert_int_equal(p.hash, IKE_HASH_SHA256);
	assert_int_equal(p.group, 19);
	assert_int_equal(life, 100000); /* > 16 bits: a variable-length attribute */

	/* truncated anywhere: malformed, never a crash */
	for (size_t cut = 0; cut < w.len; cut++) {
		sa.len = cut;
		assert_int_not_equal(ike_sa_p1_parse(&sa, &p, &life), 0);
	}
}

static bool accept_all(void *ctx, const struct ike_p2_choice *c)
{
	return c->p.transform == *(uint8_t *)ctx;
}

static void test_p2_select(void **state)
{
	struct ike_proposals ps;
	char err[160];
	uint8_t buf[1024], want = ESP_T_3DES;
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	struct ike_payload sa = { .type = ISAKMP_PL_SA, .body = buf };
	struct ike_p2_choice c;

	assert_int_equal(parse(NULL, "aes128gcm16,aes256-sha256,3des-sha1", "modp2048", &ps, err), 0);
	ike_sa_p2_build(&w, ps.p2, ps.n_p2, 0x11223344, ESP_ENCAP_UDP_TRANSPORT, 14, 3600);
	sa.len = w.len;
	assert_int_equal(ike_sa_p2_select(&sa, accept_all, &want, &c), 0);
	assert_int_equal(c.spi, 0x11223344);
	assert_int_equal(c.p.auth, ESP_AUTH_HMAC_SHA1);
	assert_int_equal(c.encap, ESP_ENCAP_UDP_TRANSPORT);
	assert_int_equal(c.group, 14);
	assert_int_equal(c.life, 3600);
	want = 99;
	assert_int_equal(ike_sa_p2_select(&sa, accept_all, &want, &c), -ENOENT);
	for (size_t cut = 0; cut < w.len; cut++) {
		sa.len = cut;
		want = ESP_T_3DES;
		assert_int_not_equal(ike_sa_p2_select(&sa, accept_all, &want, &c), 0);
	}
}

/* header + chain; `first` is the first payload type */
static int walk(const uint8_t *chain, size_t len, uint8_t first, struct ike_msg *m)
{
	memset(m, 0, sizeof(*m));
	return ike_msg_parse_chain(m, first, chain, len);
}

static void test_chain_hostile(void **state)
{
	struct ike_msg m;
	uint8_t buf[4 * 40];

	/* length 0, 1, 3: below the generic header */
	for (uint16_t l = 0; l < 4; l++) {
		uint8_t p[8] = { 0, 0, 0, (uint8_t)l };

		assert_int_equal(walk(p, sizeof(p), ISAKMP_PL_VID, &m), -EBADMSG);
	}
	/* length beyond the buffer, including 0xffff */
	static const uint16_t big[] = { 9, 0x7fff, 0x8000, 0xffff };
	for (size_t i = 0; i < 4; i++) {
		uint8_t p[8] = { 0, 0, (uint8_t)(big[i] >> 8), (uint8_t)big[i] };

		assert_int_equal(walk(p, sizeof(p), ISAKMP_PL_VID, &m), -EBADMSG);
	}
	/* a header cut short */
	assert_int_equal(walk((const uint8_t *)"\0\0", 2, ISAKMP_PL_VID, &m), -EBADMSG);
	/* more payloads than we index (a chain that would loop forever in a naive walker) */
	for (size_t i = 0; i < 40; i++) {
		buf[4 * i] = ISAKMP_PL_VID;
		buf[4 * i + 1] = 0;
		buf[4 * i + 2] = 0;
		buf[4 * i + 3] = 4;
	}
	assert_int_equal(walk(buf, sizeof(buf), ISAKMP_PL_VID, &m), -EBADMSG);
	/* a good chain with trailing padding, and draft NAT-D folded to 20 */
	buf[0] = ISAKMP_PL_NATD_DRAFT;
	buf[4] = 0;
	assert_int_equal(walk(buf, sizeof(buf), ISAKMP_PL_VID, &m), 0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.pl[1].type, ISAKMP_PL_NATD);
	assert_true(m.has_draft_natt);
	assert_ptr_equal(m.chain_end, buf + 8);
}

static void test_header(void **state)
{
	uint8_t h[ISAKMP_HDR_LEN] = { 0 };
	struct ike_msg m;
	size_t len;

	h[16] = ISAKMP_PL_SA;
	h[17] = 0x10;
	h[18] = ISAKMP_EXCH_MAIN;
	h[27] = ISAKMP_HDR_LEN;
	assert_int_equal(ike_msg_parse_header(h, sizeof(h), &m, &len), ISAKMP_PL_SA);
	assert_int_equal(len, ISAKMP_HDR_LEN);
	assert_int_equal(ike_msg_parse_header(h, sizeof(h) - 1, &m, &len), -EBADMSG);
	h[27] = 29; /* longer than the datagram */
	assert_int_equal(ike_msg_parse_header(h, sizeof(h), &m, &len), -EBADMSG);
	h[27] = 27; /* shorter than a header */
	assert_int_equal(ike_msg_parse_header(h, sizeof(h), &m, &len), -EBADMSG);
	h[27] = 28;
	h[17] = 0x20; /* IKEv2 */
	assert_int_equal(ike_msg_parse_header(h, sizeof(h), &m, &len), -EBADMSG);
}

static void test_attrs(void **state)
{
	/* basic, TLV 4 bytes, TLV 8 bytes with zero high part, TLV too long */
	static const uint8_t a[] = { 0x80, 0x01, 0x00, 0x07, 0x00, 0x0c, 0x00, 0x04, 0x00, 0x01,
				     0x51, 0x80, 0x00, 0x0c, 0x00, 0x08, 0, 0, 0, 0, 0, 0, 0x0e,
				     0x10, 0x00, 0x0c, 0x00, 0x09 };
	struct rv_reader r = rv_reader_init(a, sizeof(a));
	uint16_t type;
	uint32_t v;

	assert_int_equal(ike_attr_next(&r, &type, &v), 1);
	assert_int_equal(type, 1);
	assert_int_equal(v, 7);
	assert_int_equal(ike_attr_next(&r, &type, &v), 1);
	assert_int_equal(v, 86400);
	assert_int_equal(ike_attr_next(&r, &type, &v), 1);
	assert_int_equal(v, 3600);
	assert_int_equal(ike_attr_next(&r, &type, &v), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),     cmocka_unit_test(test_custom),
		cmocka_unit_test(test_auto_legacy_and_preferred),
		cmocka_unit_test(test_bad),          cmocka_unit_test(test_check_config),
		cmocka_unit_test(test_local_id),     cmocka_unit_test(test_sa_roundtrip),
		cmocka_unit_test(test_p2_select),    cmocka_unit_test(test_chain_hostile),
		cmocka_unit_test(test_header),       cmocka_unit_test(test_attrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
