/*
 * The session's ESP SAs (session/sas.c) as the data path uses them: a
 * packet sealed on the outbound SA opens on the inbound SA of the same
 * SPI, the slot that open_crypt returns lets open_finish use that SA
 * without a second lookup, and stays right when an IKE Delete handled
 * earlier in the same batch moved the SAs; an unknown SPI is dropped; a
 * deleted outbound SA falls back to the gateway's spare, and only without
 * one is the tunnel left without an SA.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "esp/esp.h"
#include "session/sas.h"

#define SPI_A 0x1000a
#define SPI_B 0x2000b

static const uint8_t enc_key[16] = "session-sas-aes";
static const uint8_t integ_key[20] = "session-sas-sha1-key";

static struct esp_sa *sa(uint32_t spi, bool inbound, unsigned lanes)
{
	struct esp_sa_params p = { .spi = spi, .cipher = ESP_CIPHER_AES_CBC, .enc_key = enc_key,
				   .enc_key_len = 16, .integ = ESP_INTEG_HMAC_SHA1_96,
				   .integ_key = integ_key, .integ_key_len = 20, .lanes = lanes };
	struct esp_sa *r = inbound ? esp_sa_new_inbound(&p) : esp_sa_new_outbound(&p);

	assert_non_null(r);
	return r;
}

/* An L2TP datagram "payload" sealed by a peer that sends on spi. */
static struct pkt *sealed(struct session_sas *peer, struct pkt_buf *b, const char *payload)
{
	struct pkt *p = pkt_buf_reset(b);

	memcpy(pkt_put(p, strlen(payload)), payload, strlen(payload));
	assert_int_equal(session_sas_seal_prepare(peer, p), 0);
	assert_int_equal(session_sas_seal_crypt(peer, 0, p), 0);
	return p;
}

struct fixture {
	struct session_sas ours, peer_a, peer_b;
};

static int setup(void **state)
{
	static struct fixture f;

	session_sas_init(&f.ours);
	session_sas_init(&f.peer_a);
	session_sas_init(&f.peer_b);
	session_sas_add_inbound(&f.ours, sa(SPI_A, true, 2));
	session_sas_add_inbound(&f.ours, sa(SPI_B, true, 1));
	session_sas_replace_outbound(&f.peer_a, sa(SPI_A, false, 1));
	session_sas_replace_outbound(&f.peer_b, sa(SPI_B, false, 1));
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	session_sas_destroy(&f->ours);
	session_sas_destroy(&f->peer_a);
	session_sas_destroy(&f->peer_b);
	return 0;
}

static void test_open_by_slot(void **state)
{
	struct fixture *f = *state;
	struct pkt_buf ba, bb;
	struct pkt *a = sealed(&f->peer_a, &ba, "first"), *b = sealed(&f->peer_b, &bb, "second");
	int oa = session_sas_open_crypt(&f->ours, 1, a), ob = session_sas_open_crypt(&f->ours, 0, b);

	assert_int_equal(oa, 1);
	assert_int_equal(ob, 2);
	assert_int_equal(session_sas_lanes(&f->ours, false), 1);   /* the fewest of the two */
	assert_int_equal(atomic_load(&f->ours.last_rx), 0);
	assert_int_equal(session_sas_open_finish(&f->ours, a, oa, 42), 0);
	assert_memory_equal(a->data, "first", 5);
	assert_int_equal(a->len, 5);
	assert_int_equal(session_sas_open_finish(&f->ours, b, ob, 43), 0);
	assert_memory_equal(b->data, "second", 6);
	assert_int_equal(atomic_load(&f->ours.last_rx), 43);

	/* The next packet on B: the same slot, the sequence moves on. */
	b = sealed(&f->peer_b, &bb, "third");
	ob = session_sas_open_crypt(&f->ours, 0, b);
	assert_int_equal(ob, 2);
	assert_int_equal(session_sas_open_finish(&f->ours, b, ob, 44), 0);
	assert_memory_equal(b->data, "third", 5);
}

static void test_slot_moved_within_a_batch(void **state)
{
	struct fixture *f = *state;
	struct pkt_buf bb;
	struct pkt *b = sealed(&f->peer_b, &bb, "after the delete");
	int ob = session_sas_open_crypt(&f->ours, 0, b);

	assert_int_equal(ob, 2);
	/* An IKE Delete for A handled before b's turn: B moves to slot 1. */
	assert_false(session_sas_delete_pair(&f->ours, SPI_A, 0xdead));
	assert_int_equal(session_sas_open_finish(&f->ours, b, ob, 50), 0);
	assert_memory_equal(b->data, "after the delete", 16);

	/* And a packet whose SA went before its turn is dropped as unknown. */
	b = sealed(&f->peer_b, &bb, "orphan");
	ob = session_sas_open_crypt(&f->ours, 0, b);
	assert_false(session_sas_delete_pair(&f->ours, SPI_B, 0xdead));
	assert_int_equal(session_sas_open_finish(&f->ours, b, ob, 51), -ENOENT);
}

static void test_unknown_spi(void **state)
{
	struct fixture *f = *state;
	struct session_sas stranger;
	struct pkt_buf b;
	struct pkt *p;
	int opened;

	session_sas_init(&stranger);
	session_sas_replace_outbound(&stranger, sa(0x3000c, false, 1));
	p = sealed(&stranger, &b, "who?");
	opened = session_sas_open_crypt(&f->ours, 0, p);
	assert_int_equal(opened, -ENOENT);
	assert_int_equal(session_sas_open_finish(&f->ours, p, opened, 60), -ENOENT);
	session_sas_destroy(&stranger);
}

static void test_outbound_falls_back_to_spare(void **state)
{
	struct fixture *f = *state;
	struct pkt_buf b;
	struct pkt *p = pkt_buf_reset(&b);

	session_sas_replace_outbound(&f->ours, sa(SPI_A, false, 1));
	session_sas_set_spare(&f->ours, sa(SPI_B, false, 1));
	assert_int_equal(session_sas_outbound_spi(&f->ours), SPI_A);
	assert_false(session_sas_delete_pair(&f->ours, 0, SPI_A));
	assert_int_equal(session_sas_outbound_spi(&f->ours), SPI_B);
	assert_true(session_sas_delete_pair(&f->ours, 0, SPI_B));
	assert_false(session_sas_has_outbound(&f->ours));
	/* Fail closed: nothing to seal with. */
	memcpy(pkt_put(p, 4), "data", 4);
	assert_int_equal(session_sas_seal_prepare(&f->ours, p), -ENOTCONN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_by_slot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_moved_within_a_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_spi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outbound_falls_back_to_spare, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
