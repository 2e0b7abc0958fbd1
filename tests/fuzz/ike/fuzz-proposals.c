/*
 * The profile's proposal strings as the IKE code reads them: [ipsec] ike=,
 * esp=, pfs= and local-id= through ike_proposals_parse() and
 * ike_check_config() (the one parser; session_check_profile() uses it when
 * a profile is saved). The input is the four strings separated by '\n'; the
 * first byte's low bit asks for certificate authentication. Two more
 * strings are the remembered suites (session/suites.c reads them from a
 * file): bit 1 allows legacy suites, bit 2 drops ike=/esp= for the
 * automatic lists, which must then stay within their sizes and offer no
 * legacy suite unless allowed, whatever was remembered.
 *
 * A list that parses must name itself in bounded text, and the SA payloads
 * built from it must parse back: phase 1 with its first proposal (what a
 * gateway answers), phase 2 with the first transform chosen.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t size)
{
	if (strnlen(s, size) >= size)
		abort();
}

static void check_p1(const struct ike_proposals *ps)
{
	uint8_t buf[2048];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	struct ike_payload sa = { .type = ISAKMP_PL_SA, .body = buf };
	struct ike_p1_proposal back;
	uint32_t life;
	char text[300];

	for (size_t i = 0; i < ps->n_p1; i++) {
		ike_p1_name(&ps->p1[i], text, sizeof(text));
		check_text(text, sizeof(text));
	}
	ike_p1_list(ps, ps->n_p1, text, sizeof(text));
	check_text(text, sizeof(text));
	ike_sa_p1_build(&w, ps->p1, 1, 3600);
	sa.len = w.len;
	if (w.overflow || ike_sa_p1_parse(&sa, &back, &life) < 0)
		abort();
	if (back.enc != ps->p1[0].enc || back.hash != ps->p1[0].hash ||
	    back.group != ps->p1[0].group || back.key_bits != ps->p1[0].key_bits ||
	    life != 3600)
		abort();
}

static bool take_first(void *ctx, const struct ike_p2_choice *c)
{
	return true;
}

static void check_p2(const struct ike_proposals *ps)
{
	uint8_t buf[4096];
	struct rv_writer w = rv_writer_init(buf, sizeof(buf));
	struct ike_payload sa = { .type = ISAKMP_PL_SA, .body = buf };
	struct ike_p2_choice c;
	char text[300];

	for (size_t i = 0; i < ps->n_p2; i++) {
		ike_p2_name(&ps->p2[i], ps->pfs, text, sizeof(text));
		check_text(text, sizeof(text));
	}
	ike_p2_list(ps, ps->pfs, text, sizeof(text));
	check_text(text, sizeof(text));
	ike_sa_p2_build(&w, ps->p2, ps->n_p2, 0x01020304, 1, ps->pfs, 600);
	sa.len = w.len;
	if (w.overflow || ike_sa_p2_select(&sa, take_first, NULL, &c) < 0)
		abort();
	if (c.p.transform != ps->p2[0].transform || c.p.key_bits != ps->p2[0].key_bits ||
	    c.p.auth != ps->p2[0].auth || c.group != ps->pfs || c.spi != 0x01020304)
		abort();
}

static void check_auto(const struct ike_proposals *ps, bool allow_legacy)
{
	struct ike_proposals probe = *ps;

	if (ps->n_p1 > IKE_FIRST_OFFER || ps->n_probe > IKE_MAX_P1_PROBES || !ps->n_p1)
		abort();
	for (size_t i = 0; i < ps->n_p1; i++)
		if (!allow_legacy && ike_p1_is_legacy(&ps->p1[i]))
			abort();
	for (size_t i = 0; i < ps->n_p2; i++)
		if (!allow_legacy && ike_p2_is_legacy(&ps->p2[i]))
			abort();
	for (size_t i = 0; i < ps->n_probe; i++) {
		probe.p1[0] = ps->probe[i];
		probe.n_p1 = 1;
		check_p1(&probe);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *part[6] = { NULL }, *next, err[200] = "";
	bool is_auto;
	struct rv_secret *psk = rv_secret_new_str("fuzz");
	struct ike_proposals ps;
	struct ike_config cfg;

	if (size < 1 || size > 4096)
		goto out;
	text = strndup((const char *)data + 1, size - 1);
	next = text;
	for (int i = 0; i < 6 && next; i++) {
		part[i] = next;
		next = strchr(next, '\n');
		if (next)
			*next++ = '\0';
	}
	cfg = (struct ike_config){
		.psk = psk, .ike_proposals = part[0], .esp_proposals = part[1], .pfs = part[2],
		.local_id = part[3], .auth_cert = data[0] & 1,
		.preferred_ike = part[4], .preferred_esp = part[5], .allow_legacy = data[0] & 2,
		/* no files: the certificate check fails after the strings */
		.cert_file = "/nonexistent/cert.pem", .ca_file = "/nonexistent/ca.pem",
	};
	is_auto = data[0] & 4;
	if (is_auto)
		cfg.ike_proposals = cfg.esp_proposals = NULL;
	ike_check_config(&cfg, err, sizeof(err));
	check_text(err, sizeof(err));
	err[0] = '\0';
	if (ike_proposals_parse(&cfg, &ps, err, sizeof(err)) == 0) {
		check_p1(&ps);
		check_p2(&ps);
		if (is_auto)
			check_auto(&ps, cfg.allow_legacy);
	}
	check_text(err, sizeof(err));
	free(text);
out:
	rv_secret_free(psk);
	return 0;
}
