/*
 * Whole ESP packets: RFC 3602 section 4 case 5 (a published transport-mode
 * AES-CBC packet, sealed byte for byte with its IV), the ESP packets of
 * draft-mcgrew-gcm-test-01 section 4 (opened), round trips for every
 * cipher/integrity pair, tampering, bad padding, truncation, replay through
 * esp_open, sequence exhaustion, batches, and the RFC 3948 / inner UDP
 * helpers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "esp/esp-internal.h"
#include "esp-test-util.h"

static const uint8_t enc_key[36] = {
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
	0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
	0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33,
};
static const uint8_t integ_key[32] = {
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
};

#define SPI 0xc0ffee01u

static const struct esp_sa_params suites[] = {
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 16, ESP_INTEG_HMAC_SHA1_96, integ_key, 20 },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 32, ESP_INTEG_HMAC_SHA1_96, integ_key, 20 },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 16, ESP_INTEG_HMAC_SHA256_128, integ_key, 32 },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 32, ESP_INTEG_HMAC_SHA256_128, integ_key, 32 },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 16, ESP_INTEG_HMAC_MD5_96, integ_key, 16 },
	{ SPI, ESP_CIPHER_AES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA1_96, integ_key, 20 },
	{ SPI, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA1_96, integ_key, 20 },
	{ SPI, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_MD5_96, integ_key, 16 },
	{ SPI, ESP_CIPHER_3DES_CBC, enc_key, 24, ESP_INTEG_HMAC_SHA256_128, integ_key, 32 },
	{ SPI, ESP_CIPHER_AES_GCM16, enc_key, 20, ESP_INTEG_NONE, NULL, 0 },
	{ SPI, ESP_CIPHER_AES_GCM16, enc_key, 28, ESP_INTEG_NONE, NULL, 0 },
	{ SPI, ESP_CIPHER_AES_GCM16, enc_key, 36, ESP_INTEG_NONE, NULL, 0 },
};

#define N_SUITES (sizeof(suites) / sizeof(suites[0]))

struct pair {
	struct esp_sa *out, *in;
};

static struct pair pair_new(const struct esp_sa_params *prm)
{
	struct pair p = { esp_sa_new_outbound(prm), esp_sa_new_inbound(prm) };

	assert_non_null(p.out);
	assert_non_null(p.in);
	return p;
}

static void pair_free(struct pair *p)
{
	esp_sa_free(p->out);
	esp_sa_free(p->in);
}

static struct pkt *payload(struct pkt_buf *b, size_t len, uint8_t seed)
{
	struct pkt *p = pkt_buf_reset(b);
	uint8_t *d = pkt_put(p, len);

	for (size_t i = 0; i < len; i++)
		d[i] = (uint8_t)(seed + i * 7);
	return p;
}

static void expect_payload(const struct pkt *p, size_t len, uint8_t seed)
{
	assert_int_equal(p->len, len);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(p->data[i], (uint8_t)(seed + i * 7));
}

/* Copy a sealed packet into a fresh buffer (open works in place). */
static struct pkt *clone(struct pkt_buf *dst, const struct pkt *src)
{
	struct pkt *p = pkt_buf_reset(dst);

	memcpy(pkt_put(p, src->len), src->data, src->len);
	return p;
}

/* RFC 3602 section 4, case 5: ping 192.168.123.3 -> .100, transport mode, seq 1. */
static void test_rfc3602_case5(void **state)
{
	uint8_t key[16], iv[16], data[64], want[104];
	struct esp_sa_params prm = { 0x4321, ESP_CIPHER_AES_CBC, key, 16, ESP_INTEG_HMAC_SHA1_96,
				     integ_key, 20 };
	struct pkt_buf b;
	struct pair sa;
	struct pkt *p;
	uint8_t nh = 0;

	unhex("90d382b4 10eeba7a d938c46c ec1a82bf", key, sizeof(key));
	unhex("e96e8c08 ab465763 fd098d45 dd3ff893", iv, sizeof(iv));
	unhex("08000ebd a70a0000 8e9c083d b95b0700 08090a0b 0c0d0e0f 10111213 14151617"
	      "18191a1b 1c1d1e1f 20212223 24252627 28292a2b 2c2d2e2f 30313233 34353637", data,
	      sizeof(data));
	unhex("00004321 00000001 e96e8c08 ab465763 fd098d45 dd3ff893"
	      "f663c25d 325c18c6 a9453e19 4e120849 a4870b66 cc6b9965 330013b4 898dc856"
	      "a4699e52 3a55db08 0b59ec3a 8e4b7e52 775b07d1 db34ed9c 538ab50c 551b874a"
	      "a269add0 47ad2d59 13ac19b7 cfbad4a6", want, sizeof(want));
	sa = pair_new(&prm);

	/* The RFC's IV is the next one the pool hands out. */
	sa.out->iv_pool_pos = ESP_IV_POOL_LEN - 16;
	memcpy(sa.out->iv_pool + sa.out->iv_pool_pos, iv, 16);
	p = pkt_buf_reset(&b);
	memcpy(pkt_put(p, 64), data, 64);
	assert_int_equal(esp_seal(sa.out, p, 1), 0);
	/* 14 bytes of padding, as in the RFC, then a 12-byte HMAC-SHA1-96 the RFC leaves out. */
	assert_int_equal(p->len, sizeof(want) + 12);
	assert_memory_equal(p->data, want, sizeof(want));

	assert_int_equal(esp_open(sa.in, p, &nh), 0);
	assert_int_equal(nh, 1);
	assert_int_equal(p->len, 64);
	assert_memory_equal(p->data, data, 64);
	pair_free(&sa);
}

struct gcm_packet {
	const char *key, *salt, *packet, *plain;
	size_t pad; /* trailer bytes the draft puts at the end of the plaintext, pad len + 2 */
};

/* draft-mcgrew-gcm-test-01 section 4, the cases with 32-bit sequence numbers. */
static const struct gcm_packet gcm_packets[] = {
	{ "feffe9928665731c6d6a8f9467308308", "cafebabe",
	  "0000a5f80000000afacedbaddecaf888"
	  "deb22cd9b07c72c16e3a65beeb8df304a5a5897d33ae530f1ba76d5d114d2a5c"
	  "3de81827c10e9a4f51330d0eec416642cfbb85a5b47e48a4ec3b9ba95d918bd1"
	  "83b70d3aa8bc6ee4c309e9d85a41ad4a",
	  "4500003e698f000080114dccc0a80102c0a801010a980035002a2343b2d00100"
	  "0001000000000000037369700963796265726369747902646b00000100010001", 2 },
	{ "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344",
	  "4a2cbfe3000000020102030405060708"
	  "ff425c9b724599df7a3bcd510194e00d6a78107f1b0b1cbf06efae9d65a5d763"
	  "748a637985771d347f0545659f14e99def842d8eb335f4eecfdbf831824b4c49"
	  "15956c96",
	  "4500003069a6400080062690c0a801029389155e0a9e008b2dc57ee000000000"
	  "7002400020bf0000020405b40101040201020201", 4 },
	{ "7d773d00c144c525ac619d18c84a3f47", "d9664267",
	  "335467aeffffffff43457e9182443bc6437f866bcb3f699fe9b0822bac961c4504bef270",
	  "01020201", 4 },
};

static void open_gcm_packet(const struct gcm_packet *v)
{
	uint8_t key[36], plain[80];
	size_t key_len = unhex(v->key, key, sizeof(key));
	size_t plain_len = unhex(v->plain, plain, sizeof(plain));
	struct esp_sa_params prm = { 0, ESP_CIPHER_AES_GCM16, key, 0, ESP_INTEG_NONE, NULL, 0 };
	struct esp_sa *in;
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);
	uint8_t nh = 0;

	key_len += unhex(v->salt, key + key_len, 4);
	prm.enc_key_len = key_len;
	p->len = unhex(v->packet, p->data, PKT_MAX_DATA);
	prm.spi = esp_packet_spi(p->data, p->len);
	in = esp_sa_new_inbound(&prm);
	assert_non_null(in);

	assert_int_equal(esp_open(in, p, &nh), 0);
	assert_int_equal(nh, 1); /* the draft's trailers all carry next header 1 */
	assert_int_equal(p->len, plain_len - v->pad);
	assert_memory_equal(p->data, plain, p->len);
	esp_sa_free(in);
}

static void test_gcm_draft_packets(void **state)
{
	for (size_t i = 0; i < sizeof(gcm_packets) / sizeof(gcm_packets[0]); i++)
		open_gcm_packet(&gcm_packets[i]);
}

static void round_trip(struct pair *sa, size_t len, uint32_t want_seq)
{
	size_t overhead = esp_sa_overhead(sa->out, len);
	struct pkt_buf b;
	struct pkt *p = payload(&b, len, (uint8_t)len);
	uint8_t nh = 0;

	assert_int_equal(esp_seal(sa->out, p, ESP_NEXT_HEADER_UDP), 0);
	assert_int_equal(p->len, len + overhead);
	assert_int_equal(esp_packet_spi(p->data, p->len), SPI);
	assert_int_equal(p->data[7], want_seq & 0xff);
	assert_int_equal((p->len - ESP_HDR_LEN - sa->out->iv_len - sa->out->icv_len) %
				 sa->out->align, 0);

	assert_int_equal(esp_open(sa->in, p, &nh), 0);
	assert_int_equal(nh, ESP_NEXT_HEADER_UDP);
	expect_payload(p, len, (uint8_t)len);
}

static void test_round_trip_every_suite(void **state)
{
	static const size_t lens[] = { 0, 1, 2, 3, 5, 13, 14, 15, 16, 17, 31, 64, 1400, 1500 };

	for (size_t s = 0; s < N_SUITES; s++) {
		struct pair sa = pair_new(&suites[s]);
		uint32_t seq = 1;

		for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++)
			round_trip(&sa, lens[i], seq++);
		/* Enough packets to drain and refill the CBC IV pool. */
		for (size_t i = 0; i < ESP_IV_POOL_LEN / 8 + 3; i++)
			round_trip(&sa, 40, seq++);
		pair_free(&sa);
	}
}

static void test_cbc_ivs_differ(void **state)
{
	struct pair sa = pair_new(&suites[0]);
	struct pkt_buf b1, b2;
	struct pkt *p1 = payload(&b1, 32, 0), *p2 = payload(&b2, 32, 0);

	assert_int_equal(esp_seal(sa.out, p1, 17), 0);
	assert_int_equal(esp_seal(sa.out, p2, 17), 0);
	assert_memory_not_equal(p1->data + 8, p2->data + 8, 16);
	/* Same plaintext, different IV: different ciphertext. */
	assert_memory_not_equal(p1->data + 24, p2->data + 24, 16);
	pair_free(&sa);
}

static int expect_for_flip(size_t byte)
{
	return byte < 4 ? -ENOKEY : -EBADMSG;
}

/* Every single-bit flip is refused, and none of them moves the replay window. */
static void test_tamper_every_bit(void **state)
{
	for (size_t s = 0; s < N_SUITES; s++) {
		struct pair sa = pair_new(&suites[s]);
		struct pkt_buf sealed_buf, b;
		struct pkt *sealed;
		uint8_t nh;

		/* Seal a few first so the sequence number (5) cannot flip to 0. */
		for (int i = 0; i < 5; i++) {
			sealed = payload(&sealed_buf, 21, 9);
			assert_int_equal(esp_seal(sa.out, sealed, 17), 0);
		}

		for (size_t byte = 0; byte < sealed->len; byte++) {
			for (int bit = 0; bit < 8; bit++) {
				struct pkt *p = clone(&b, sealed);

				p->data[byte] ^= (uint8_t)(1 << bit);
				assert_int_equal(esp_open(sa.in, p, &nh), expect_for_flip(byte));
				assert_int_equal(p->len, sealed->len);
			}
		}

		assert_int_equal(esp_open(sa.in, clone(&b, sealed), &nh), 0);
		pair_free(&sa);
	}
}

static void test_wrong_spi(void **state)
{
	struct esp_sa_params other = suites[9];
	struct pair sa = pair_new(&suites[9]);
	struct esp_sa *in2;
	struct pkt_buf b;
	struct pkt *p = payload(&b, 10, 0);
	uint8_t nh;

	other.spi = SPI + 1;
	in2 = esp_sa_new_inbound(&other);
	assert_int_equal(esp_seal(sa.out, p, 17), 0);
	assert_int_equal(esp_open(in2, p, &nh), -ENOKEY);
	assert_int_equal(esp_open(sa.in, p, &nh), 0);
	esp_sa_free(in2);
	pair_free(&sa);
}

/* Build an authentic packet around a chosen plaintext body (payload + trailer). */
static struct pkt *forge(struct pkt_buf *b, const struct esp_sa_params *prm, uint32_t seq,
			 const uint8_t *body, size_t body_len)
{
	bool is_gcm = prm->cipher == ESP_CIPHER_AES_GCM16;
	size_t iv_len = is_gcm ? 8 : prm->cipher == ESP_CIPHER_3DES_CBC ? 8 : 16;
	struct pkt *p = pkt_buf_reset(b);
	uint8_t *h = pkt_put(p, 8 + iv_len + body_len);
	uint8_t nonce[12];

	esp_put_be32(h, prm->spi);
	esp_put_be32(h + 4, seq);
	memset(h + 8, 0x5a, iv_len);
	memcpy(h + 8 + iv_len, body, body_len);
	if (is_gcm) {
		size_t k = prm->enc_key_len - 4;
		struct rv_cipher *c = rv_cipher_new(RV_CIPHER_AES_GCM, prm->enc_key, k, true);

		memcpy(nonce, prm->enc_key + k, 4);
		memcpy(nonce + 4, h + 8, 8);
		assert_int_equal(rv_cipher_gcm_seal(c, nonce, h, 8, h + 16, body_len,
						    pkt_put(p, 16), 16), 0);
		rv_cipher_free(c);
	} else {
		struct rv_cipher *c = rv_cipher_new(RV_CIPHER_AES_CBC, prm->enc_key,
						    prm->enc_key_len, true);
		struct rv_mac *m = rv_mac_new(RV_HASH_SHA1, prm->integ_key, prm->integ_key_len);
		struct rv_iov iov;

		assert_int_equal(rv_cipher_cbc(c, h + 8, h + 8 + iv_len, body_len), 0);
		iov = (struct rv_iov){ p->data, p->len };
		assert_int_equal(rv_mac_v(m, &iov, 1, pkt_put(p, 12), 12), 0);
		rv_cipher_free(c);
		rv_mac_free(m);
	}

	return p;
}

struct padding_case {
	const char *body_tail; /* after 16 bytes of payload (2 for GCM); ends with pad len, nh */
	int expect;
};

static void run_padding(const struct esp_sa_params *prm, size_t head,
			const struct padding_case *cases, size_t n)
{
	struct esp_sa *in = esp_sa_new_inbound(prm);

	for (size_t i = 0; i < n; i++) {
		uint8_t body[64];
		size_t len;
		struct pkt_buf b;
		struct pkt *p;
		uint8_t nh = 0;

		memset(body, 0xee, head);
		len = head + unhex(cases[i].body_tail, body + head, sizeof(body) - head);
		p = forge(&b, prm, (uint32_t)i + 1, body, len);
		assert_int_equal(esp_open(in, p, &nh), cases[i].expect);
		if (cases[i].expect == 0) {
			assert_int_equal(nh, 17);
			assert_int_equal(p->data[0], 0xee);
		}
	}

	esp_sa_free(in);
}

static void test_bad_padding(void **state)
{
	/* AES-CBC: 16 payload bytes + 16 more = 2 blocks. */
	static const struct padding_case cbc[] = {
		{ "0102030405060708090a0b0c0d0e" "0e11", 0 },         /* control: valid */
		{ "0102030405060708090a0b0c0d0e" "0011", 0 },         /* no padding, 30-byte payload */
		{ "0102030405060708090a0b0c0d0f" "0e11", -EBADMSG },  /* last pad byte wrong */
		{ "0002030405060708090a0b0c0d0e" "0e11", -EBADMSG },  /* first pad byte wrong */
		{ "0102030405060708090a0b0c0d0e" "1e11", -EBADMSG },  /* pad len beyond the body */
		{ "0102030405060708090a0b0c0d0e" "ff11", -EBADMSG },
		{ "0102030405060708090a0b0c0d0e" "0d11", -EBADMSG },  /* pad len one short: byte is 0e */
	};
	/* GCM: 2 payload bytes + 6 more = 8 (4-byte aligned). */
	static const struct padding_case gcm[] = {
		{ "01020304" "0411", 0 },
		{ "01020303" "0411", -EBADMSG },
		{ "01020304" "0711", -EBADMSG },
		{ "01020304" "0611", -EBADMSG }, /* pad len = body - 2: covers the payload bytes */
		{ "01020304" "0811", -EBADMSG },
	};

	run_padding(&suites[0], 16, cbc, sizeof(cbc) / sizeof(cbc[0]));
	run_padding(&suites[9], 2, gcm, sizeof(gcm) / sizeof(gcm[0]));
}

static void test_truncated_and_misaligned(void **state)
{
	for (size_t s = 0; s < N_SUITES; s++) {
		struct pair sa = pair_new(&suites[s]);
		struct pkt_buf sealed_buf, b;
		struct pkt *sealed = payload(&sealed_buf, 37, 3);
		uint8_t nh;

		assert_int_equal(esp_seal(sa.out, sealed, 17), 0);
		/* Every shorter length: too short, misaligned, or the ICV no longer matches. */
		for (size_t len = 0; len < sealed->len; len++) {
			struct pkt *p = clone(&b, sealed);

			p->len = len;
			assert_int_equal(esp_open(sa.in, p, &nh), -EBADMSG);
		}
		/* Longer by less than the alignment. */
		for (size_t extra = 1; extra < sa.out->align; extra++) {
			struct pkt *p = clone(&b, sealed);

			memset(pkt_put(p, extra), 0, extra);
			assert_int_equal(esp_open(sa.in, p, &nh), -EBADMSG);
		}

		assert_int_equal(esp_open(sa.in, clone(&b, sealed), &nh), 0);
		pair_free(&sa);
	}
}

static void test_replay_through_open(void **state)
{
	struct pair sa = pair_new(&suites[0]);
	struct pkt_buf sealed[3], b;
	uint8_t nh;

	for (int i = 0; i < 3; i++)
		assert_int_equal(esp_seal(sa.out, payload(&sealed[i], 8, 0), 17), 0);

	assert_int_equal(esp_open(sa.in, clone(&b, &sealed[1].pkt), &nh), 0);
	assert_int_equal(esp_open(sa.in, clone(&b, &sealed[0].pkt), &nh), 0);
	assert_int_equal(esp_open(sa.in, clone(&b, &sealed[1].pkt), &nh), -EALREADY);
	assert_int_equal(esp_open(sa.in, clone(&b, &sealed[2].pkt), &nh), 0);
	assert_int_equal(esp_open(sa.in, clone(&b, &sealed[0].pkt), &nh), -EALREADY);
	pair_free(&sa);
}

static void test_sequence_exhaustion(void **state)
{
	struct pair sa = pair_new(&suites[9]);
	struct pkt_buf b;
	struct pkt *p;
	uint8_t nh;

	assert_int_equal(esp_sa_seq_left(sa.out), UINT32_MAX);
	sa.out->seq = UINT32_MAX - 1;
	assert_int_equal(esp_sa_seq_left(sa.out), 1);

	p = payload(&b, 20, 1);
	assert_int_equal(esp_seal(sa.out, p, 17), 0);
	assert_int_equal(esp_sa_seq_left(sa.out), 0);
	assert_int_equal(esp_open(sa.in, p, &nh), 0);

	p = payload(&b, 20, 1);
	assert_int_equal(esp_seal(sa.out, p, 17), -EKEYEXPIRED);
	expect_payload(p, 20, 1);
	pair_free(&sa);
}

static void test_no_room(void **state)
{
	struct pair sa = pair_new(&suites[0]);
	uint8_t storage[64];
	struct pkt p;

	pkt_init(&p, storage, sizeof(storage), 8); /* 24 bytes of header do not fit */
	pkt_put(&p, 16);
	assert_int_equal(esp_seal(sa.out, &p, 17), -ENOBUFS);
	assert_int_equal(esp_sa_seq_left(sa.out), UINT32_MAX); /* nothing consumed */

	pkt_init(&p, storage, sizeof(storage), 24); /* header fits, 16 + 16 + 12 tail does not */
	pkt_put(&p, 16);
	assert_int_equal(esp_seal(sa.out, &p, 17), -ENOBUFS);
	assert_int_equal(p.len, 16);

	/* Direction is fixed at creation. */
	assert_int_equal(esp_seal(sa.in, &p, 17), -EINVAL);
	assert_int_equal(esp_open(sa.out, &p, storage), -EINVAL);
	pair_free(&sa);
}

static void test_batches(void **state)
{
	struct pair sa = pair_new(&suites[10]);
	struct pkt_buf bufs[5];
	struct pkt *pkts[5];
	uint8_t nhs[5];
	int results[5];
	int err = 0;

	for (int i = 0; i < 4; i++)
		pkts[i] = payload(&bufs[i], 100 + (size_t)i, (uint8_t)i);
	assert_int_equal(esp_seal_batch(sa.out, pkts, 4, 17, &err), 4);

	/* Packet 2 arrives twice inside one batch. */
	pkts[4] = clone(&bufs[4], pkts[2]);
	assert_int_equal(esp_open_batch(sa.in, pkts, 5, nhs, results), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(results[i], 0);
		assert_int_equal(nhs[i], 17);
		expect_payload(pkts[i], 100 + (size_t)i, (uint8_t)i);
	}
	assert_int_equal(results[4], -EALREADY);

	/* A seal batch stops at the first packet that fails. */
	sa.out->seq = UINT32_MAX - 2;
	for (int i = 0; i < 4; i++)
		pkts[i] = payload(&bufs[i], 10, 0);
	assert_int_equal(esp_seal_batch(sa.out, pkts, 4, 17, &err), 2);
	assert_int_equal(err, -EKEYEXPIRED);
	expect_payload(pkts[3], 10, 0);
	pair_free(&sa);
}

static void test_bad_params(void **state)
{
	struct esp_sa_params prm;

	for (int i = 0; i < 7; i++) {
		prm = suites[i < 4 ? 0 : 9];
		switch (i) {
		case 0:
			prm.integ = ESP_INTEG_NONE; /* CBC needs integrity */
			prm.integ_key_len = 0;
			break;
		case 1:
			prm.enc_key_len = 20;
			break;
		case 2:
			prm.integ_key_len = 16; /* SHA1 needs 20 */
			break;
		case 3:
			prm.spi = 0;
			break;
		case 4:
			prm.integ = ESP_INTEG_HMAC_SHA1_96; /* GCM is its own integrity */
			prm.integ_key = integ_key;
			prm.integ_key_len = 20;
			break;
		case 5:
			prm.enc_key_len = 16; /* salt missing */
			break;
		case 6:
			prm.enc_key = NULL;
			break;
		}
		assert_null(esp_sa_new_outbound(&prm));
		assert_null(esp_sa_new_inbound(&prm));
	}

	assert_null(esp_sa_new_outbound(NULL));
	esp_sa_free(NULL);
}

static void test_udpencap(void **state)
{
	static const uint8_t ka[] = { 0xff }, ike[] = { 0, 0, 0, 0, 0x11, 0x22 },
			     esp[] = { 0, 0, 0x12, 0x34, 0, 0, 0, 1 },
			     short4[] = { 0, 0, 0x12, 0x34, 0, 0, 0 }, zero1[] = { 0 };
	uint8_t buf[4];

	assert_int_equal(esp_udpencap_classify(ka, 1), ESP_UDPENCAP_KEEPALIVE);
	assert_int_equal(esp_udpencap_classify(ike, sizeof(ike)), ESP_UDPENCAP_IKE);
	assert_int_equal(esp_udpencap_classify(ike, 4), ESP_UDPENCAP_IKE);
	assert_int_equal(esp_udpencap_classify(esp, sizeof(esp)), ESP_UDPENCAP_ESP);
	assert_int_equal(esp_udpencap_classify(short4, sizeof(short4)), ESP_UDPENCAP_INVALID);
	assert_int_equal(esp_udpencap_classify(zero1, 1), ESP_UDPENCAP_INVALID);
	assert_int_equal(esp_udpencap_classify(ka, 0), ESP_UDPENCAP_INVALID);
	assert_int_equal(esp_udpencap_classify(ike, 3), ESP_UDPENCAP_INVALID);

	assert_int_equal(esp_udpencap_keepalive(buf, sizeof(buf)), 1);
	assert_int_equal(buf[0], 0xff);
	assert_int_equal(esp_udpencap_keepalive(buf, 0), 0);
	assert_int_equal(esp_packet_spi(esp, 7), 0);
	assert_int_equal(esp_packet_spi(esp, 8), 0x1234);
}

/* One's-complement sum of pseudo-header + datagram; 0xffff when the checksum is right. */
static uint16_t verify_sum(const struct esp_udp_addrs *a, const uint8_t *d, size_t len)
{
	size_t alen = a->is_ipv6 ? 16 : 4;
	uint32_t acc = 17 + (uint32_t)len;

	for (size_t i = 0; i < alen; i += 2)
		acc += (uint32_t)(a->src[i] << 8 | a->src[i + 1]) + (a->dst[i] << 8 | a->dst[i + 1]);
	for (size_t i = 0; i < len; i += 2)
		acc += (uint32_t)(d[i] << 8 | (i + 1 < len ? d[i + 1] : 0));
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

static void test_inner_udp(void **state)
{
	struct esp_udp_addrs v4 = { false, { 198, 51, 100, 2 }, { 198, 51, 100, 1 } };
	struct esp_udp_addrs v6 = { true, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
				    { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };
	struct pkt_buf b;
	struct pkt *p;
	uint16_t sport = 0;

	/* Zero checksum without addresses. */
	p = payload(&b, 13, 5);
	assert_int_equal(esp_udp_push(p, 1701, ESP_L2TP_PORT, NULL), 0);
	assert_int_equal(p->len, 21);
	assert_memory_equal(p->data, "\x06\xa5\x06\xa5\x00\x15\x00\x00", 8);
	assert_int_equal(esp_udp_pull(p, ESP_L2TP_PORT, &sport), 0);
	assert_int_equal(sport, 1701);
	expect_payload(p, 13, 5);

	/* Pseudo-header checksums, odd length included. */
	p = payload(&b, 13, 5);
	assert_int_equal(esp_udp_push(p, 40000, ESP_L2TP_PORT, &v4), 0);
	assert_int_equal(verify_sum(&v4, p->data, p->len), 0xffff);
	p = payload(&b, 200, 9);
	assert_int_equal(esp_udp_push(p, 40000, ESP_L2TP_PORT, &v6), 0);
	assert_int_equal(verify_sum(&v6, p->data, p->len), 0xffff);
	assert_int_not_equal(p->data[6] | p->data[7], 0);

	/* Receive checks. */
	p = payload(&b, 13, 5);
	esp_udp_push(p, 1701, 1702, NULL);
	assert_int_equal(esp_udp_pull(p, ESP_L2TP_PORT, &sport), -ENOMSG);
	p->data[5]++; /* length one more than what is there */
	assert_int_equal(esp_udp_pull(p, ESP_L2TP_PORT, NULL), -EBADMSG);
	p->data[5] -= 2; /* one less: trailing bytes */
	assert_int_equal(esp_udp_pull(p, 1702, NULL), -EBADMSG);
	p->len = 7;
	assert_int_equal(esp_udp_pull(p, 1702, NULL), -EBADMSG);
	assert_int_equal(p->len, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3602_case5),
		cmocka_unit_test(test_gcm_draft_packets),
		cmocka_unit_test(test_round_trip_every_suite),
		cmocka_unit_test(test_cbc_ivs_differ),
		cmocka_unit_test(test_tamper_every_bit),
		cmocka_unit_test(test_wrong_spi),
		cmocka_unit_test(test_bad_padding),
		cmocka_unit_test(test_truncated_and_misaligned),
		cmocka_unit_test(test_replay_through_open),
		cmocka_unit_test(test_sequence_exhaustion),
		cmocka_unit_test(test_no_room),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_bad_params),
		cmocka_unit_test(test_udpencap),
		cmocka_unit_test(test_inner_udp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
