/*
 * The diagnose report (client-core/src/diagnose/report.c) from outcomes as
 * sessions record them: each failure lands on its step with its cause, the
 * steps before pass with their evidence, the ones after are skipped; and
 * the report survives the trip through D-Bus's type into the client
 * library's report and text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <roadvpn-client/roadvpn-client.h>

#include "diagnose/diagnose.h"
#include "ike/ike.h"

static struct diagnose_outcome failed_at(enum session_phase phase, enum session_reason reason,
					 const char *detail)
{
	struct diagnose_outcome o = {
		.ipsec = true,
		.has_failure = true,
		.reached = phase,
		.failure = { .phase = phase, .reason = reason },
		.evidence = { .gateway4 = htonl(0xc6336401) },   /* 198.51.100.1 */
	};

	snprintf(o.failure.detail, sizeof(o.failure.detail), "%s", detail);
	return o;
}

static const char *evidence(const struct diagnose_step_result *s, const char *key)
{
	for (size_t i = 0; i < s->n_evidence; i++) {
		if (!strcmp(s->evidence[i].key, key))
			return s->evidence[i].value;
	}
	return NULL;
}

/* The report names STEP with CAUSE; before it ok (or skipped for plain L2TP), after it skipped. */
static void assert_verdict(const struct diagnose_outcome *o, enum diagnose_step step,
			   enum diagnose_cause cause)
{
	struct diagnose_report r;
	const struct diagnose_step_result *f;

	diagnose_build(o, &r);
	f = diagnose_first_failure(&r);
	assert_non_null(f);
	if (f->step != step || f->cause != cause)
		fail_msg("failed at %s (%s), expected %s (%s)", diagnose_step_id(f->step),
			 diagnose_cause_id(f->cause), diagnose_step_id(step), diagnose_cause_id(cause));
	for (unsigned int i = 0; i < DIAGNOSE_N_STEPS; i++) {
		if (i > step)
			assert_int_equal(r.steps[i].status, DIAGNOSE_SKIPPED);
		if (i != step)
			assert_int_equal(r.steps[i].cause, DIAGNOSE_CAUSE_NONE);
	}
	assert_non_null(evidence(f, "message"));
	assert_non_null(strstr(evidence(f, "message"), o->failure.detail));
	if (step > DIAGNOSE_STEP_RESOLVE)
		assert_string_equal(evidence(&r.steps[0], "address"), "198.51.100.1");
}

static void test_success(void **state)
{
	struct diagnose_outcome o = { .ipsec = true, .up = true, .reached = SESSION_PHASE_UP,
				      .mtu = 1387, .auth_method = "MS-CHAPv2" };
	struct diagnose_report r;

	o.evidence = (struct session_evidence){ .gateway4 = htonl(0xc6336401), .ike_rx = 5,
						.phase1_up = true, .ike_suite = "aes256-sha1-modp2048",
						.child_up = true, .esp_suite = "aes256-sha1",
						.nat_local = true, .udp_encap = true };
	diagnose_build(&o, &r);
	assert_null(diagnose_first_failure(&r));
	for (unsigned int i = 0; i < DIAGNOSE_N_STEPS; i++)
		assert_int_equal(r.steps[i].status, DIAGNOSE_OK);
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_IKE_REACH], "replies"), "5");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_IKE_PROPOSALS], "ike"),
			    "aes256-sha1-modp2048");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_NAT], "nat"), "local");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_IKE_AUTH], "auth"), "psk");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_IPSEC_SA], "esp"), "aes256-sha1");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_ESP], "encapsulation"), "udp-4500");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_PPP_AUTH], "method"), "MS-CHAPv2");
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_MTU], "mtu"), "1387");
	assert_null(evidence(&r.steps[DIAGNOSE_STEP_MTU], "path-probe"));

	/* The path MTU search answered at full size. */
	o.evidence.path_max = 1500;
	o.evidence.path_done = true;
	o.evidence.path_pass = 1500;
	diagnose_build(&o, &r);
	assert_null(diagnose_first_failure(&r));
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_MTU], "path-probe"),
			    "full-size packets pass (MTU 1387)");
}

/* Up, but full-size packets vanish: the mtu step names the black hole. */
static void test_mtu_black_hole(void **state)
{
	struct diagnose_outcome o = { .ipsec = true, .up = true, .reached = SESSION_PHASE_UP,
				      .mtu = 1402, .path_limit_s = 10 };
	const struct diagnose_step_result *f;
	struct diagnose_report r;

	o.evidence = (struct session_evidence){ .path_max = 1500, .path_done = true,
						.path_lost = 1312, .path_pass = 1296,
						.path_tun_mtu = 1210 };
	diagnose_build(&o, &r);
	f = diagnose_first_failure(&r);
	assert_non_null(f);
	assert_int_equal(f->step, DIAGNOSE_STEP_MTU);
	assert_int_equal(f->cause, DIAGNOSE_CAUSE_MTU_BLACK_HOLE);
	assert_string_equal(diagnose_cause_id(f->cause), "mtu-black-hole");
	assert_string_equal(evidence(f, "message"), "path MTU black hole: packets over 1296 "
			    "bytes are lost; the TUN MTU will be 1210");
	assert_string_equal(evidence(f, "mtu"), "1210");
	assert_string_equal(evidence(f, "lost"), "1312");
	assert_null(evidence(f, "path-probe"));
	assert_int_equal(r.steps[DIAGNOSE_STEP_NETWORK].status, DIAGNOSE_OK);

	/* Cut short by the bound: what was known by then, and that it ran out. */
	o.path_cut = true;
	o.evidence.path_done = false;
	o.evidence.path_lost = 1500;
	o.evidence.path_pass = 1269;
	o.evidence.path_tun_mtu = 1178;
	diagnose_build(&o, &r);
	f = diagnose_first_failure(&r);
	assert_non_null(f);
	assert_int_equal(f->cause, DIAGNOSE_CAUSE_MTU_BLACK_HOLE);
	assert_string_equal(evidence(f, "path-probe"), "not finished within 10 s");

	/* Cut short before anything answered: no verdict on the path. */
	o.evidence.path_pass = 0;
	o.evidence.path_tun_mtu = 0;
	diagnose_build(&o, &r);
	assert_null(diagnose_first_failure(&r));
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_MTU], "path-probe"),
			    "not finished within 10 s");

	/* A gateway that answers no padded echo: nothing learnt, not a failure. */
	o.path_cut = false;
	o.evidence.path_done = true;
	o.evidence.path_lost = 576;
	diagnose_build(&o, &r);
	assert_null(diagnose_first_failure(&r));
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_MTU], "path-probe"),
			    "the gateway answered no padded echo: not tested");
}

/* Plain L2TP: the IPsec steps are skipped, also when it works. */
static void test_plain_l2tp(void **state)
{
	struct diagnose_outcome o = { .up = true, .reached = SESSION_PHASE_UP, .mtu = 1460 };
	struct diagnose_report r;

	diagnose_build(&o, &r);
	assert_null(diagnose_first_failure(&r));
	for (unsigned int i = DIAGNOSE_STEP_IKE_REACH; i <= DIAGNOSE_STEP_ESP; i++)
		assert_int_equal(r.steps[i].status, DIAGNOSE_SKIPPED);
	assert_int_equal(r.steps[DIAGNOSE_STEP_L2TP].status, DIAGNOSE_OK);

	o = failed_at(SESSION_PHASE_L2TP_TUNNEL, SESSION_REASON_NO_ANSWER, "no answer from x:1701");
	o.ipsec = false;
	assert_verdict(&o, DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_L2TP_NO_ANSWER);
	diagnose_build(&o, &r);
	assert_int_equal(r.steps[DIAGNOSE_STEP_ESP].status, DIAGNOSE_SKIPPED);
	o.evidence.l2tp_port_unreachable = true;
	assert_verdict(&o, DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_PORT_UNREACHABLE);
}

static void test_resolve(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_RESOLVING,
					      SESSION_REASON_RESOLVE_FAILED, "cannot resolve 'x'");

	o.evidence.gateway4 = 0;
	assert_verdict(&o, DIAGNOSE_STEP_RESOLVE, DIAGNOSE_CAUSE_RESOLVE_FAILED);
}

/* Nothing heard on UDP 500: ICMP or silence, whatever IKE concluded. */
static void test_reach(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_IKE_MAIN_MODE, SESSION_REASON_NO_ANSWER,
					      "gateway did not answer on UDP 500");

	o.evidence.ike_failure = IKE_FAILURE_TIMEOUT;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_REACH, DIAGNOSE_CAUSE_NO_ANSWER);
	o.evidence.ike_port_unreachable = true;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_REACH, DIAGNOSE_CAUSE_PORT_UNREACHABLE);
	/* Silence to every probe is still silence, not "no proposal". */
	o.evidence.ike_failure = IKE_FAILURE_NO_PROPOSAL_CHOSEN;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_REACH, DIAGNOSE_CAUSE_PORT_UNREACHABLE);
}

/* A refusal (session/refusal.c): ike-reach; the port unreachable named, another ICMP in the message. */
static void test_refused(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_IKE_MAIN_MODE,
					      SESSION_REASON_GATEWAY_REFUSED,
					      "the gateway refused IKE: UDP port 500 unreachable (ICMP)");

	o.evidence.ike_port_unreachable = true;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_REACH, DIAGNOSE_CAUSE_PORT_UNREACHABLE);
	o.evidence.ike_port_unreachable = false;
	strcpy(o.failure.detail, "the gateway refused IKE: UDP port 500 administratively "
				 "prohibited (ICMP; a firewall rejects it)");
	assert_verdict(&o, DIAGNOSE_STEP_IKE_REACH, DIAGNOSE_CAUSE_OTHER);
}

static void test_proposals(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_IKE_MAIN_MODE,
					      SESSION_REASON_IPSEC_NEGOTIATION,
					      "gateway rejected all proposals");

	o.evidence.ike_rx = 3;
	o.evidence.ike_failure = IKE_FAILURE_NO_PROPOSAL_CHOSEN;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_PROPOSALS, DIAGNOSE_CAUSE_NO_PROPOSAL);
	o.evidence.legacy_only = true;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_PROPOSALS, DIAGNOSE_CAUSE_LEGACY_ONLY);

	o = failed_at(SESSION_PHASE_IKE_QUICK_MODE, SESSION_REASON_IPSEC_NEGOTIATION,
		      "the gateway only accepts 3des-sha1 for ESP");
	o.evidence.ike_rx = 4;
	o.evidence.phase1_up = true;
	o.evidence.ike_failure = IKE_FAILURE_NO_PROPOSAL_CHOSEN;
	o.evidence.ike_failure_phase = 2;
	assert_verdict(&o, DIAGNOSE_STEP_IPSEC_SA, DIAGNOSE_CAUSE_NO_PROPOSAL);
}

static void test_ike_auth(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_IKE_MAIN_MODE,
					      SESSION_REASON_AUTH_FAILED,
					      "authentication failed — wrong pre-shared key?");
	struct diagnose_report r;

	o.evidence.ike_rx = 2;
	o.evidence.ike_suite[0] = 'x';
	o.evidence.ike_failure = IKE_FAILURE_AUTH_FAILED;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_WRONG_PSK);
	diagnose_build(&o, &r);
	/* NAT detection comes before authentication: it passed. */
	assert_int_equal(r.steps[DIAGNOSE_STEP_NAT].status, DIAGNOSE_OK);
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_NAT], "nat"), "none");
	o.cert = true;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_CERTIFICATE);
	o.evidence.ike_failure = IKE_FAILURE_INVALID_ID;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_IDENTITY);
	o.evidence.ike_failure = IKE_FAILURE_CERT;
	o.cert = false;
	assert_verdict(&o, DIAGNOSE_STEP_IKE_AUTH, DIAGNOSE_CAUSE_CERTIFICATE);
}

/* L2TP silent through IPsec: whether ESP came back tells the path from the server. */
static void test_esp_and_l2tp(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_L2TP_TUNNEL, SESSION_REASON_NO_ANSWER,
					      "no L2TP answer through IPsec");
	struct diagnose_report r;

	o.evidence.ike_rx = 6;
	o.evidence.phase1_up = o.evidence.child_up = true;
	assert_verdict(&o, DIAGNOSE_STEP_ESP, DIAGNOSE_CAUSE_ESP_BLOCKED);
	diagnose_build(&o, &r);
	assert_string_equal(evidence(&r.steps[DIAGNOSE_STEP_ESP], "encapsulation"), "esp");
	assert_int_equal(r.steps[DIAGNOSE_STEP_IPSEC_SA].status, DIAGNOSE_OK);
	o.evidence.udp_encap = true;
	assert_verdict(&o, DIAGNOSE_STEP_ESP, DIAGNOSE_CAUSE_UDP4500_BLOCKED);
	o.evidence.esp_in = true;
	assert_verdict(&o, DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_L2TP_NO_ANSWER);

	o = failed_at(SESSION_PHASE_L2TP_TUNNEL, SESSION_REASON_PEER_CLOSED,
		      "the gateway deleted the IPsec SA (SPI 01020304)");
	o.evidence.sa_deleted = true;
	assert_verdict(&o, DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_SA_DELETED);
	o.evidence.sa_deleted = false;
	assert_verdict(&o, DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_L2TP_REFUSED);
	/* Deleted before the phase machine moved on to L2TP: the same verdict. */
	o.failure.phase = SESSION_PHASE_IKE_QUICK_MODE;
	o.evidence.sa_deleted = o.evidence.child_up = true;
	assert_verdict(&o, DIAGNOSE_STEP_L2TP, DIAGNOSE_CAUSE_SA_DELETED);
}

/* ESP blocked with raw ESP: force-encap is tried and its outcome lands on the esp step. */
static void test_encap_retry(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_L2TP_TUNNEL, SESSION_REASON_NO_ANSWER,
					      "no L2TP answer through IPsec");
	struct diagnose_outcome retry = { .ipsec = true, .up = true };
	struct diagnose_report r;
	const struct diagnose_step_result *esp = &r.steps[DIAGNOSE_STEP_ESP];

	o.evidence.child_up = true;
	diagnose_build(&o, &r);
	assert_true(diagnose_wants_encap_retry(&r));
	diagnose_note_encap_retry(&r, &retry);
	assert_string_equal(evidence(esp, "force-encap"), "connects");
	assert_null(evidence(esp, "force-encap-message"));
	assert_int_equal(diagnose_first_failure(&r)->cause, DIAGNOSE_CAUSE_ESP_BLOCKED);

	diagnose_build(&o, &r);
	retry = failed_at(SESSION_PHASE_IKE_MAIN_MODE, SESSION_REASON_AUTH_FAILED, "no answer on 4500");
	diagnose_note_encap_retry(&r, &retry);
	assert_string_equal(evidence(esp, "force-encap"), "fails");
	assert_non_null(strstr(evidence(esp, "force-encap-message"), "no answer on 4500"));

	/* Already encapsulated, or another failure: nothing to retry. */
	o.evidence.udp_encap = true;
	diagnose_build(&o, &r);
	assert_false(diagnose_wants_encap_retry(&r));
	o.evidence.esp_in = true;
	diagnose_build(&o, &r);
	assert_false(diagnose_wants_encap_retry(&r));
}

static void test_ppp(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_PPP_AUTH, SESSION_REASON_AUTH_FAILED,
					      "MS-CHAPv2 rejected (E=691)");
	struct diagnose_report r;

	o.evidence.esp_in = true;
	assert_verdict(&o, DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_WRONG_PASSWORD);
	diagnose_build(&o, &r);
	assert_int_equal(r.steps[DIAGNOSE_STEP_ESP].status, DIAGNOSE_OK);
	assert_int_equal(r.steps[DIAGNOSE_STEP_L2TP].status, DIAGNOSE_OK);
	o.failure.reason = SESSION_REASON_PEER_CLOSED;
	assert_verdict(&o, DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_WRONG_PASSWORD);
	o.failure.reason = SESSION_REASON_NO_AUTH_METHOD;
	assert_verdict(&o, DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_NO_AUTH_METHOD);
	o = failed_at(SESSION_PHASE_PPP_LCP, SESSION_REASON_PPP_NEGOTIATION, "LCP failed");
	assert_verdict(&o, DIAGNOSE_STEP_PPP_AUTH, DIAGNOSE_CAUSE_PPP_NEGOTIATION);
	o = failed_at(SESSION_PHASE_PPP_NETWORK, SESSION_REASON_NO_ADDRESS, "no address");
	assert_verdict(&o, DIAGNOSE_STEP_NETWORK, DIAGNOSE_CAUSE_OTHER);
}

/* A long message is cut, and the cut may split a character: D-Bus gets valid UTF-8. */
static void test_variant_round_trip(void **state)
{
	struct diagnose_outcome o = failed_at(SESSION_PHASE_IKE_MAIN_MODE,
					      SESSION_REASON_AUTH_FAILED, "");
	struct diagnose_report r;
	g_autoptr(GVariant) v = NULL;
	g_autoptr(RvcDiagnoseReport) rep = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	const RvcDiagnoseStep *failed;

	o.evidence.ike_rx = 2;
	o.evidence.ike_failure = IKE_FAILURE_AUTH_FAILED;
	for (size_t i = 0; i + 2 < sizeof(o.failure.detail); i += 2)
		memcpy(o.failure.detail + i, "\xc3\xa9", 2);     /* é é é ... */
	o.failure.detail[sizeof(o.failure.detail) - 1] = 0;
	diagnose_build(&o, &r);
	v = g_variant_ref_sink(diagnose_report_to_variant(&r));
	assert_true(g_variant_is_of_type(v, G_VARIANT_TYPE("a(sssa{ss})")));

	rep = rvc_diagnose_report_from_variant(v, &error);
	assert_non_null(rep);
	assert_int_equal(rep->steps->len, DIAGNOSE_N_STEPS);
	failed = rvc_diagnose_report_failed_step(rep);
	assert_non_null(failed);
	assert_string_equal(failed->step, "ike-auth");
	assert_string_equal(failed->cause, "wrong-psk");
	assert_string_equal(failed->keys[0], "message");
	assert_true(g_utf8_validate(failed->values[0], -1, NULL));
	assert_string_equal(rvc_diagnose_step_evidence(rep->steps->pdata[0], "address"),
			    "198.51.100.1");

	text = rvc_diagnose_report_to_text(rep, "office");
	assert_non_null(strstr(text, "Diagnosis of office"));
	assert_non_null(strstr(text, "FAILED   IKE authentication"));
	assert_non_null(strstr(text, "Likely cause: The pre-shared key is wrong"));
	assert_non_null(strstr(text, "Result: IKE authentication failed."));

	/* Another type is refused, not guessed at. */
	g_clear_error(&error);
	assert_null(rvc_diagnose_report_from_variant(g_variant_new_string("x"), &error));
	assert_true(g_error_matches(error, RVC_ERROR, RVC_ERROR_FAILED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_mtu_black_hole),
		cmocka_unit_test(test_plain_l2tp),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_proposals),
		cmocka_unit_test(test_ike_auth),
		cmocka_unit_test(test_esp_and_l2tp),
		cmocka_unit_test(test_encap_retry),
		cmocka_unit_test(test_ppp),
		cmocka_unit_test(test_variant_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
