/*
 * RFC 2409 key derivation against a REAL exchange: roadvpnd (IKEv1 Main Mode
 * PSK initiator) against Debian's strongSwan 5.9.8 charon (5.9.8-5+deb12u6,
 * kernel-netlink, tools/gateways/strongswan.sh), captured 2026-11-23 on the
 * test machine. Everything below is charon's own output, never ours.
 *
 * How it was captured: strongswan.sh start --kernel netlink; its generated
 * strongswan.conf raised to ike/cfg/chd/enc/net/knl/esp = 4 and applied with
 * `swanctl --reload-settings`; one roadvpnd session with the test PSK
 * "rvt-strongswan-psk-0123" (not a secret). At level 4 charon dumps:
 *   [NET] "received packet" (our MM3: CKY-I, CKY-R, g^xi, Ni_b),
 *   [ENC] "generating rule 10 CHUNK_DATA" of its MM4 KE and NONCE (g^xr, Nr_b),
 *   [IKE] "shared Diffie Hellman secret", "SKEYID", "SKEYID_d/_a/_e",
 *         "encryption key Ka", "initial IV", "next IV for MID x",
 *   [CHD] "initiator/responder SA seed" = [g(qm)^xy |] 03 | SPI | Ni_b | Nr_b
 *         (the Quick Mode nonces and the PFS secret come from this seed) and
 *         "encryption/integrity initiator/responder key" (= KEYMAT, cut).
 * Nothing was missing. A throwaway script turned the hex dumps into the
 * strings below after checking them once with Python's hmac/hashlib.
 *
 * Vector 1, proposals ike=aes128-sha1-modp2048, esp=aes128-sha1 (no PFS):
 *   Ka is the head of SKEYID_e; KEYMAT = 36 bytes = K1 | K2 (SHA-1 prf).
 * Vector 2, ike=aes256-sha1-modp2048, esp=aes256-sha256-modp2048 (PFS):
 *   Ka = 32 bytes needs the Appendix B expansion; KEYMAT = 64 bytes over a
 *   256-byte g(qm)^xy.
 * "initiator" keys are charon's names for the SA roadvpnd sends on (charon's
 * inbound SPI, spi_out here); "responder" keys for the one we receive on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ike/ike-internal.h"

#define PSK "rvt-strongswan-psk-0123"
#define MAX_HEX_BYTES 256

struct charon_vector {
	const char *cky_i, *cky_r, *ni, *nr, *gxi, *gxr, *gxy;
	const char *skeyid, *skeyid_d, *skeyid_a, *skeyid_e, *ka, *iv1;
	const char *p1_last_block, *qm_iv;
	uint32_t qm_mid;
	const char *qm_ni, *qm_nr, *gqm;   /* gqm "" without PFS */
	uint32_t spi_out, spi_in;
	const char *enc_out, *integ_out, *enc_in, *integ_in;
};

static const struct charon_vector charon_aes128_sha1 = {
	.cky_i = "bce5511faa38d06d",
	.cky_r = "85b425e2ecde1e80",
	.ni = "d7a7436db4c620bf123c846dc17ec1d6738ae08fb3750baba5eefb35de59610b",
	.nr = "bae7fc415612caf980ece617d911dc01278cfa586f319e4db76a89fc5fbb2d2e",
	.gxi =
		"c96c4a567fa555d17d9aa726c488c36849346870898cd7475093a2d52c7bafb8"
		"7bf94df988663637ada41822ce3b4a5e56a43ba666ceb41667a03e60228214d1"
		"9db3ab95f61315fd79b30b6022f91099e670d4bc4a95b9a696070b6314ede448"
		"88b307f69d8adc075a564caf7fe23ddbe22328701b7c9e60767465a63f4b7a3e"
		"ea0ce4f7641d239b27683a41010a07e4440cb77d9575559badbf9621f63d94bf"
		"c63e40debd93a2afc42225cd3310e2c29ef254387b5e24db221e1fc6c77879bd"
		"c0e0eb0dd6161b355a786da79e5a90e17f025808706ec02be71fa0e2018e4ab1"
		"64a06f0730956871a05e154f30ac1ad506ec9a42b384687f6649ef0617e5c9db",
	.gxr =
		"9bdcdac588a502220e8910aa7d7f59e45d81dc0e0a6387753a203a3ccbcde341"
		"d75de03c9b4d96ab58403235d3c9a62196669ee8a4b50f82c95f44008e94681f"
		"ba204a2a104e3cfac8d90518459f6cc514795984c2812ea0daa5dcfab3cb36e7"
		"5f16e1f48ff0d16d7f305ef52998b481d32e13c859b2febc865b5fa151dae820"
		"6726879cceae5170150948b514fb63c0f0c8283fadf786636092dda9998e0055"
		"47ee3b7820422ffc0ec0b51eaf19513079b0c1ea9dcbc92657537f7d69d6ab95"
		"3ca4d8ba7cc3eba57a57fbd911ca5655175295c2fa10671f18c86684784baab1"
		"f4d42e2bb6834d9289c643435cd4ef1d75fc0266ac7350d6101b742d49ad36b8",
	.gxy =
		"83bdb4b837297859e31369f53aa31a2b060ef1f7986b85fa9687f38ddf22eed4"
		"c31a911af87e8d71d20cccda73a71ad378c4e949575eb236baffa5ef5ee1b400"
		"bd056615fa45792956b400dbcd2071e8bb7a497a24cb027df29663eeab6bf680"
		"5c9c51c94634d35b889731e43872bd8270704b4d8badff34c6aeb38047232afb"
		"12cd1c333a3bdaec363d954794c8dc61a8eb13a61670dd07651f4213114efa74"
		"450f447fa6176a82809d0e955427ae8ff8e1c16778d4d1f9453774659b14509b"
		"4ffef863a74f450450315613cbebd988fe14610464a8a47d4de36c593c848eb4"
		"17bffa36c15073b4e5097902063e87a3a51253a98d3e22db38e7a198ae96fe35",
	.skeyid = "89ea53112aaf68b931a8d70f7fe2e60f1de868ef",
	.skeyid_d = "ae09620d0570109b52e6b603b1b636007b6738e7",
	.skeyid_a = "43611bd2f83ec6b2f620a45120d6f045529ea88b",
	.skeyid_e = "d9020cfe8cfe17e7338c13e64725bd83aa4dc2fb",
	.ka = "d9020cfe8cfe17e7338c13e64725bd83",
	.iv1 = "9f6da700d5bedf33f1836db56c828bbb",
	.p1_last_block = "5cc39359118ad6e75ddaf40b4b980d36",
	.qm_iv = "89773156f4b398548180e5a915708871",
	.qm_mid = 0x060b1d50,
	.qm_ni = "c24e76d6b269f45efcff4a59c12980c695423058b71e119ce9218eff146cfa97",
	.qm_nr = "37d59d7e0a04ea77cf3c94cadc13063b26c5c6678022363e5596820b82b12214",
	.gqm = "",
	.spi_out = 0xc0dfd0bf,
	.spi_in = 0x89801cdd,
	.enc_out = "1392b0d8b39f1da1be6bff49dcfba03e",
	.integ_out = "799e81f4a1b12b12251b8c484c40a9f86014ef0e",
	.enc_in = "428eb43db5d98e36773884ae67fa57bc",
	.integ_in = "f6691fec1cb55b0a97985450325eed3a1927a5df",
};

static const struct charon_vector charon_aes256_sha1_pfs = {
	.cky_i = "60b633514d04b267",
	.cky_r = "49845b2f36e6eef4",
	.ni = "a0e9f6f0c80a4e0e9396789b80a1f273adfd8665eb9dbf4ae585bc46b631851b",
	.nr = "1497a18492aad2af30276acd98e18676634139c4f9a1586af5e6c122de80ba62",
	.gxi =
		"b6e4bf43aaf3c4122347b3d8c61e9f17cacd941d9788c766482b96084b3134d8"
		"a6a4eb895cf8a5e748a54733924cd5cd09720207704335285c4ed6326ca77975"
		"6802639b5a053320183fd7921a65c5dcbb8daba48b9d487a45d86a530c69c093"
		"1a48e7e7e0954f7cbb0381446d0f9bdb47323fd34179fef5246b499b90ed8b65"
		"251f84809ef81e2d03a823c691c29f20f20a57e633a501929426843c3ae5f5f1"
		"879427d4f369da9ef78fac8b248cc5302cd0f5e35f2f31c1d58130254c5ddad0"
		"3795d153f940f1c0ba288c613d6cfcb957bd05dd1ad9284c6f8e1e61d593b113"
		"af91736bd965a43eb2cdfb65b01a69268e8cac8b3eca7ef1fea0c4729b17516d",
	.gxr =
		"dbd99b4cb34a064c874b7c3a6076dd6e4f0f4cbfcbc58f12c936e5887e257041"
		"a1a4129e8097c75d4edc19d5fa73f98ad11df990704c070d138442d741fcd364"
		"b9478fe8a8bd7ca5e4952c363b3e6b434e480ba61b52ae533f83f09aea9e9dab"
		"3c0be0ae19e18dc24ddc75df06b77ee8dd06dc4a6398717453422ab00e9464d5"
		"c53482aeadb26833f978f4b9ca20621fed051bdc1b3342845cdbeeca538ea33e"
		"ebb3f026198edaaace8dee6d5df1ac3880caa6e5a709af33b66fd79aaa8544fe"
		"5b9d4138927ec519be3ba66da3fbdc65f940d489bf7ef4c6907f1b854955505b"
		"f28ec87a93e194f947d1ab7b0628fb784fd587ee5e73bf2ad87f33d6ea39afaf",
	.gxy =
		"f11af49ba92da1369e9cb29708e113e32e308c56d5e79007c302e567ea20d38b"
		"7fccb7378de162cde4a1b30913e5be820aee002595aa944117b109e1d35f46a1"
		"0ad0700332fce47ed12cfeb68746e946da142201c3cc2159dea84417b76e55d5"
		"631d1a4b7d8c69b4e7c9abf509e5568297e34a90bdc622c4bec3ff026923f66b"
		"e2e41ee7d1f99841ce9c37f4bbc8aa6eef7bbc6c276b7aca5524ba84b97c861e"
		"e7a7a48d249dbffcf22e5658a9339612cd28da0757963b8b54cf3606c50d28e2"
		"01d34ef788da498aa81c6ab2d9c609104b58b6f1d68246a54080fed1d4f4eb48"
		"a35ff573ba1496ebc568044bca22ce1c73799a9511792bf5574c1a13b180812f",
	.skeyid = "f66c2934518879d47f76c384d9da9fb9b7814de1",
	.skeyid_d = "963015e4bb42f79124e9d4887507116f11006fc1",
	.skeyid_a = "4a2642509d6924509fc352ed0f4e4bd420df58a6",
	.skeyid_e = "ebdabc312adfe4e00a0be879e796975cc0a875c1",
	.ka = "7d5f521cd03f49f6042abd75c911c29899151af3cb41ba396eb268ba82ed93af",
	.iv1 = "b3984751abf9a26c820748b8b87e3903",
	.p1_last_block = "ac6e6becf2ace9eb1b7bfeaa0fd6a720",
	.qm_iv = "ed53a24146a4798de4be46f1bd114b6e",
	.qm_mid = 0x3acf1c44,
	.qm_ni = "2eaceee6445f17beab3186e09f02e1827f3d91762b374ccfb4571ca8c1ef1382",
	.qm_nr = "d0bfb887e72784eab9486f5278b1374729e562e6a1810d99f180e31ca7e4f125",
	.gqm =
		"6d59c715f44fcee7e26ec9a7a7ba31658eb19fc71acf32faa70614aaa75ca208"
		"4ae82357909d223639c521769625187b27080f521d2db1fcbf0d6f3d43f4af4b"
		"692269a71ff5b692147b9e2a83a08790e7fda0d990de9dee55aece9634aa503e"
		"bd7959bcfe2294d26358b83eb48b764b0c23ed951381a7928b1dc78ee14025ea"
		"5a2756e6b8018e47e3d3bc990f4814a23e5cecac5f782d76ad2f5a1c982844f3"
		"c66f395a5c1cef15921b5a5f2e6db10531f6d7928d11e34bca68fec2e2478134"
		"5cca7d8f83b69619e38020888bb229ca2c09c55a5cbca9c15f5e04148db60724"
		"1a750c362ddfb80f5b9c837847d1be03c909387c7f503463ffc6d89990d5e941",
	.spi_out = 0xca2e29b7,
	.spi_in = 0xec49d0c9,
	.enc_out = "b6720e49b2601cb3c5b7fa5dadf4b65029913651d6959f895c37ce4495357a89",
	.integ_out = "4e8d646dfc7ee7ec57e02b9e8131410caa7a837ecbde38cdc499e71498947ac7",
	.enc_in = "936aff0d9c6cac44785f6b0f201e54ce1a5f00c7c0b8664502a321e6860f1a69",
	.integ_in = "24273fe075bb77ac47c94c7e2bba2704b29dad3844991b9cef97a5d8852f5748",
};

/* A hex string into out (room for MAX_HEX_BYTES); returns its length. */
static size_t unhex(const char *hex, uint8_t *out)
{
	size_t len = strlen(hex) / 2;

	assert_int_equal(strlen(hex) % 2, 0);
	assert_true(len <= MAX_HEX_BYTES);
	for (size_t i = 0; i < len; i++) {
		unsigned int b;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
	return len;
}

static void assert_hex(const uint8_t *got, const char *hex)
{
	uint8_t want[MAX_HEX_BYTES];
	size_t len = unhex(hex, want);

	assert_memory_equal(got, want, len);
}

/* Phase 1 keys exactly as roadvpnd derives them after MM4. */
static void derive(const struct charon_vector *v, struct ike_keys *k)
{
	uint8_t cky_i[8], cky_r[8], ni[64], nr[64], gxy[MAX_HEX_BYTES];
	size_t ni_len = unhex(v->ni, ni), nr_len = unhex(v->nr, nr), gxy_len = unhex(v->gxy, gxy);

	assert_int_equal(unhex(v->cky_i, cky_i), 8);
	assert_int_equal(unhex(v->cky_r, cky_r), 8);
	*k = (struct ike_keys){
		.prf = RV_HASH_SHA1,
		.enc_key_len = strlen(v->ka) / 2,
		.cipher = RV_CBC_AES,
		.block_len = 16,
	};
	assert_int_equal(ike_keys_derive(k, (const uint8_t *)PSK, strlen(PSK), ni, ni_len, nr,
					 nr_len, gxy, gxy_len, cky_i, cky_r), 0);
}

static void check_phase1(const struct charon_vector *v)
{
	struct ike_keys k;

	derive(v, &k);
	assert_int_equal(k.prf_len, 20);
	assert_hex(k.skeyid, v->skeyid);
	assert_hex(k.skeyid_d, v->skeyid_d);
	assert_hex(k.skeyid_a, v->skeyid_a);
	assert_hex(k.skeyid_e, v->skeyid_e);
	assert_int_equal(ike_keys_expand_enc(&k), 0);
	assert_hex(k.enc_key, v->ka);
	ike_keys_wipe(&k);
}

static void check_ivs(const struct charon_vector *v)
{
	uint8_t gxi[MAX_HEX_BYTES], gxr[MAX_HEX_BYTES], last[16], iv[16];
	size_t gxi_len = unhex(v->gxi, gxi), gxr_len = unhex(v->gxr, gxr);
	struct ike_keys k;

	derive(v, &k);
	assert_int_equal(ike_iv_phase1(&k, RV_HASH_SHA1, gxi, gxi_len, gxr, gxr_len, iv), 0);
	assert_hex(iv, v->iv1);
	/* charon's "next IV for MID 0" after MM6: the last cipher block of phase 1 */
	assert_int_equal(unhex(v->p1_last_block, last), 16);
	assert_int_equal(ike_iv_phase2(&k, RV_HASH_SHA1, last, v->qm_mid, iv), 0);
	assert_hex(iv, v->qm_iv);
	ike_keys_wipe(&k);
}

/* One direction's KEYMAT, cut into the ESP keys the way charon cuts it. */
static void check_keymat_dir(const struct ike_keys *k, const struct charon_vector *v,
			     uint32_t spi, const char *enc, const char *integ)
{
	uint8_t ni[64], nr[64], gqm[MAX_HEX_BYTES], km[128];
	size_t ni_len = unhex(v->qm_ni, ni), nr_len = unhex(v->qm_nr, nr);
	size_t gqm_len = unhex(v->gqm, gqm);
	size_t enc_len = strlen(enc) / 2, integ_len = strlen(integ) / 2;

	assert_true(enc_len + integ_len <= sizeof(km));
	assert_int_equal(ike_keymat(k, gqm_len ? gqm : NULL, gqm_len, ISAKMP_PROTO_ESP, spi, ni,
				    ni_len, nr, nr_len, km, enc_len + integ_len), 0);
	assert_hex(km, enc);
	assert_hex(km + enc_len, integ);
}

static void check_keymat(const struct charon_vector *v)
{
	struct ike_keys k;

	derive(v, &k);
	check_keymat_dir(&k, v, v->spi_out, v->enc_out, v->integ_out);
	check_keymat_dir(&k, v, v->spi_in, v->enc_in, v->integ_in);
	ike_keys_wipe(&k);
}

static void test_phase1_aes128(void **state)
{
	check_phase1(&charon_aes128_sha1);
}

static void test_phase1_aes256_expanded_ka(void **state)
{
	check_phase1(&charon_aes256_sha1_pfs);
}

static void test_ivs_aes128(void **state)
{
	check_ivs(&charon_aes128_sha1);
}

static void test_ivs_aes256(void **state)
{
	check_ivs(&charon_aes256_sha1_pfs);
}

static void test_keymat_no_pfs(void **state)
{
	check_keymat(&charon_aes128_sha1);
}

static void test_keymat_pfs(void **state)
{
	check_keymat(&charon_aes256_sha1_pfs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phase1_aes128),
		cmocka_unit_test(test_phase1_aes256_expanded_ka),
		cmocka_unit_test(test_ivs_aes128),
		cmocka_unit_test(test_ivs_aes256),
		cmocka_unit_test(test_keymat_no_pfs),
		cmocka_unit_test(test_keymat_pfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
