/*
 * The interface XML is the contract (data/dbus/org.roadvpn.Helper1.xml):
 * this test fails when it and the code disagree. It compares the lists the
 * XML documents in its org.roadvpn.Contract.* annotations, in order, with
 *   - roadvpnd: the error table (dbus/errors.c), the interface version it
 *     serves, the secret kinds profile/ accepts, the phase and reason ids of
 *     session/phase.c, the profile problem ids of profile/problem.c;
 *   - libroadvpn-client: its error names, version, secret kinds, phase and
 *     reason tables, its profile problem texts, and the options it sends;
 * and every member's org.roadvpn.Contract.Since names a version up to the
 * current one. Whoever adds to one side adds to the other (and documents it in the XML).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dbus/errors.h"
#include "diagnose/diagnose.h"
#include "private.h"
#include "profile/profile.h"
#include "session/phase.h"

#define ERROR_PREFIX "org.roadvpn.Error."

static GDBusNodeInfo *node;

static int setup(void **state)
{
	g_autofree char *xml = NULL;
	g_autoptr(GError) error = NULL;

	if (!g_file_get_contents(CONTRACT_XML, &xml, NULL, &error))
		fail_msg("%s", error->message);
	node = g_dbus_node_info_new_for_xml(xml, &error);
	if (!node)
		fail_msg("%s: %s", CONTRACT_XML, error->message);
	return 0;
}

static int teardown(void **state)
{
	g_dbus_node_info_unref(node);
	return 0;
}

static GDBusInterfaceInfo *iface(const char *name)
{
	GDBusInterfaceInfo *i = g_dbus_node_info_lookup_interface(node, name);

	assert_non_null(i);
	return i;
}

static GDBusInterfaceInfo *manager(void)
{
	return iface("org.roadvpn.Helper1.Manager");
}

/* A Contract annotation, space-separated words normalised to single spaces. */
static char *documented(GDBusAnnotationInfo **annotations, const char *what, const char *where)
{
	const char *v = g_dbus_annotation_info_lookup(annotations, what);
	g_auto(GStrv) w = NULL;
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();
	g_auto(GStrv) list = NULL;

	if (!v)
		fail_msg("%s has no %s annotation", where, what);
	w = g_strsplit_set(v, " \n\t", -1);
	for (char **p = w; *p; p++) {
		if (**p)
			g_strv_builder_add(b, *p);
	}
	list = g_strv_builder_end(b);
	return g_strjoinv(" ", list);
}

static void assert_same(const char *what, const char *xml, const char *code)
{
	if (strcmp(xml, code))
		fail_msg("%s differ:\n  XML:  %s\n  code: %s", what, xml, code);
}

/* Space-joined ids from a numbered table, until `nth` gives NULL or "unknown". */
static char *joined(const char *(*nth)(size_t i))
{
	g_autoptr(GString) s = g_string_new(NULL);
	const char *id;

	for (size_t i = 0; (id = nth(i)) && strcmp(id, "unknown"); i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", id);
	return g_strdup(s->str);
}

static void test_version(void **state)
{
	g_autofree char *xml = documented(manager()->annotations, "org.roadvpn.Contract.Version",
					  "Manager");
	g_autofree char *macros = g_strdup_printf("%u.%u", RVC_INTERFACE_VERSION_MAJOR,
						  RVC_INTERFACE_VERSION_MINOR);

	assert_same("roadvpnd's version", xml, RV_DBUS_INTERFACE_VERSION);
	assert_same("the library's version", xml, RVC_INTERFACE_VERSION);
	assert_same("the library's version macros", xml, macros);
	assert_non_null(g_dbus_interface_info_lookup_property(manager(), "Version"));
}

static const char *daemon_error(size_t i)
{
	return i < rv_error_entries_count ?
	       rv_error_entries[i].dbus_error_name + strlen(ERROR_PREFIX) : NULL;
}

static const char *library_error(size_t i)
{
	return i < rvc_error_names_count ?
	       rvc_error_names[i].name + strlen(ERROR_PREFIX) : NULL;
}

static void test_errors(void **state)
{
	g_autofree char *xml = documented(manager()->annotations, "org.roadvpn.Contract.Errors",
					  "Manager");
	g_autofree char *daemon = joined(daemon_error);
	g_autofree char *library = joined(library_error);

	assert_same("roadvpnd's error names", xml, daemon);
	assert_same("the library's error names", xml, library);
	for (size_t i = 0; i < rvc_error_names_count; i++)
		assert_true(g_str_has_prefix(rvc_error_names[i].name, ERROR_PREFIX));
}

/* Every method documents its errors, and only errors of the list above. */
static void check_method_errors(GDBusInterfaceInfo *i, const char *all)
{
	g_auto(GStrv) known = g_strsplit(all, " ", -1);

	for (GDBusMethodInfo **m = i->methods; *m; m++) {
		g_autofree char *where = g_strdup_printf("%s.%s", i->name, (*m)->name);
		g_autofree char *errs = documented((*m)->annotations,
						   "org.roadvpn.Contract.Errors", where);
		g_auto(GStrv) list = g_strsplit(errs, " ", -1);

		for (char **e = list; *e; e++) {
			if (**e && !g_strv_contains((const char *const *)known, *e))
				fail_msg("%s documents an unknown error %s", where, *e);
		}
	}
}

static void test_method_errors(void **state)
{
	g_autofree char *all = documented(manager()->annotations, "org.roadvpn.Contract.Errors",
					  "Manager");

	check_method_errors(manager(), all);
	check_method_errors(iface("org.roadvpn.Helper1.Connection"), all);
}

static void test_secret_kinds(void **state)
{
	g_autofree char *xml = documented(manager()->annotations,
					  "org.roadvpn.Contract.SecretKinds", "Manager");
	g_autofree char *library = joined(rvc_secret_kind_nth);
	g_autoptr(RvProfile) p = profile_load_data("[connection]\ngateway=gw\n[ppp]\nuser=u\n",
						   strlen("[connection]\ngateway=gw\n[ppp]\nuser=u\n"),
						   NULL);
	g_auto(GStrv) kinds = g_strsplit(xml, " ", -1);

	assert_same("the library's secret kinds", xml, library);
	assert_non_null(p);
	for (char **k = kinds; *k; k++) {
		if (!profile_set_secret(p, *k, "x", NULL))
			fail_msg("roadvpnd does not take the documented secret kind '%s'", *k);
		if (!strcmp(rvc_secret_kind_label(*k), *k))
			fail_msg("the library has no label for the secret kind '%s'", *k);
	}
	assert_false(profile_set_secret(p, "no-such-kind", "x", NULL));
}

/* Connect's options: one string per secret kind, then roadvpnd's rv_connect_options[]. */
static void test_connect_options(void **state)
{
	GDBusMethodInfo *connect = g_dbus_interface_info_lookup_method(manager(), "Connect");
	g_autofree char *xml = documented(connect->annotations, "org.roadvpn.Contract.Options",
					  "Manager.Connect");
	g_autofree char *kinds = documented(manager()->annotations,
					    "org.roadvpn.Contract.SecretKinds", "Manager");
	g_auto(GStrv) kind_list = g_strsplit(kinds, " ", -1);
	g_autoptr(GString) expect = g_string_new(NULL);
	g_autoptr(RvcConnectOptions) o = rvc_connect_options_new();
	g_autoptr(GVariant) sent = NULL;
	g_auto(GStrv) options = g_strsplit(xml, " ", -1);
	GVariantIter iter;
	const char *key;
	GVariant *value;

	for (char **k = kind_list; *k; k++) {
		g_string_append_printf(expect, "%s:s ", *k);
		rvc_connect_options_set_secret(o, *k, "x");
	}
	/* roadvpnd's other options: the table check_options() takes them from. */
	for (size_t i = 0; i < rv_n_connect_options; i++)
		g_string_append_printf(expect, "%s%s:%s", i ? " " : "", rv_connect_options[i].name,
				       rv_connect_options[i].type);
	assert_same("Connect options", xml, expect->str);

	/* Everything the library may send is documented, with its type. */
	rvc_connect_options_set_configure_network(o, FALSE);
	rvc_connect_options_set_profile_text(o, "[connection]\ngateway=gw\n");
	sent = g_variant_ref_sink(rvc_connect_options_to_variant(o));
	g_variant_iter_init(&iter, sent);
	while (g_variant_iter_next(&iter, "{&sv}", &key, &value)) {
		g_autofree char *entry = g_strdup_printf("%s:%s", key,
							 g_variant_get_type_string(value));

		if (!g_strv_contains((const char *const *)options, entry))
			fail_msg("the library sends an undocumented option %s", entry);
		g_variant_unref(value);
	}
}

/* Diagnose: its options are the secret kinds; its step, status and cause ids agree on all sides. */
static const char *daemon_step(size_t i)
{
	return i < DIAGNOSE_N_STEPS ? diagnose_step_id((enum diagnose_step)i) : NULL;
}

static const char *daemon_cause(size_t i)
{
	return i < DIAGNOSE_N_CAUSES ? diagnose_cause_id((enum diagnose_cause)i) : NULL;
}

static const char *daemon_status(size_t i)
{
	return i <= DIAGNOSE_SKIPPED ? diagnose_status_id((enum diagnose_status)i) : NULL;
}

static const char *library_status(size_t i)
{
	return i <= 2 ? rvc_diagnose_status_id((RvcDiagnoseStatus)(i + RVC_DIAGNOSE_OK)) : NULL;
}

/* A documented id list against one side's table. */
static void assert_ids(const char *what, const char *xml, const char *(*nth)(size_t i))
{
	g_autofree char *code = joined(nth);

	assert_same(what, xml, code);
}

static void test_diagnose(void **state)
{
	GDBusMethodInfo *m = g_dbus_interface_info_lookup_method(manager(), "Diagnose");
	g_autofree char *options = NULL, *kinds = NULL, *steps = NULL, *causes = NULL;
	g_autofree char *statuses = NULL;
	g_autoptr(GString) expect = g_string_new(NULL);
	g_auto(GStrv) kind_list = NULL, cause_list = NULL, step_list = NULL;

	assert_non_null(m);
	options = documented(m->annotations, "org.roadvpn.Contract.Options", "Manager.Diagnose");
	kinds = documented(manager()->annotations, "org.roadvpn.Contract.SecretKinds", "Manager");
	kind_list = g_strsplit(kinds, " ", -1);
	for (char **k = kind_list; *k; k++)
		g_string_append_printf(expect, "%s%s:s", k == kind_list ? "" : " ", *k);
	assert_same("Diagnose options", options, expect->str);

	steps = documented(m->annotations, "org.roadvpn.Contract.DiagnoseSteps", "Diagnose");
	assert_ids("roadvpnd's diagnose steps (diagnose/report.c)", steps, daemon_step);
	assert_ids("the library's diagnose steps", steps, rvc_diagnose_step_nth);
	statuses = documented(m->annotations, "org.roadvpn.Contract.DiagnoseStatuses", "Diagnose");
	assert_ids("roadvpnd's diagnose statuses", statuses, daemon_status);
	assert_ids("the library's diagnose statuses", statuses, library_status);
	causes = documented(m->annotations, "org.roadvpn.Contract.DiagnoseCauses", "Diagnose");
	assert_ids("roadvpnd's diagnose causes (diagnose/report.c)", causes, daemon_cause);
	assert_ids("the library's diagnose causes", causes, rvc_diagnose_cause_nth);

	/* Every id has a text of its own ("none" has none to show). */
	step_list = g_strsplit(steps, " ", -1);
	for (char **id = step_list; *id; id++) {
		if (!strcmp(rvc_diagnose_step_label(*id), *id))
			fail_msg("the library has no label for the diagnose step '%s'", *id);
	}
	cause_list = g_strsplit(causes, " ", -1);
	for (char **id = cause_list + 1; *id; id++) {
		if (!strcmp(rvc_diagnose_cause_text(*id), *id))
			fail_msg("the library has no text for the diagnose cause '%s'", *id);
	}
	assert_string_equal(rvc_diagnose_cause_text("cosmic-rays"), "cosmic-rays");
}

static const char *daemon_phase(size_t i)
{
	return session_phase_to_string((enum session_phase)i);
}

static const char *library_phase(size_t i)
{
	return rvc_phase_id((RvcPhase)(i + RVC_PHASE_IDLE));
}

static const char *daemon_reason(size_t i)
{
	return session_reason_to_string((enum session_reason)i);
}

static void test_phases(void **state)
{
	GDBusPropertyInfo *p = g_dbus_interface_info_lookup_property(
		iface("org.roadvpn.Helper1.Connection"), "State");
	g_autofree char *xml = documented(p->annotations, "org.roadvpn.Contract.Phases", "State");
	g_autofree char *daemon = joined(daemon_phase);
	g_autofree char *library = joined(library_phase);

	assert_same("roadvpnd's phase ids (session/phase.c)", xml, daemon);
	assert_same("the library's phase ids", xml, library);
	for (RvcPhase ph = RVC_PHASE_IDLE; ph <= RVC_PHASE_RECONNECT_WAIT; ph++)
		assert_int_equal(rvc_phase_from_id(rvc_phase_id(ph)), ph);
}

static void test_reasons(void **state)
{
	GDBusPropertyInfo *p = g_dbus_interface_info_lookup_property(
		iface("org.roadvpn.Helper1.Connection"), "LastError");
	g_autofree char *xml = documented(p->annotations, "org.roadvpn.Contract.Reasons",
					  "LastError");
	g_autofree char *daemon = joined(daemon_reason);
	g_autofree char *library = joined(rvc_reason_nth);
	g_auto(GStrv) ids = g_strsplit(xml, " ", -1);

	assert_same("roadvpnd's reason ids (session/phase.c)", xml, daemon);
	assert_same("the library's reason ids", xml, library);
	for (char **id = ids; *id; id++) {
		if (!strcmp(rvc_reason_text(*id), *id))
			fail_msg("the library has no text for the reason '%s'", *id);
	}
}

static const char *daemon_problem(size_t i)
{
	return profile_problems[i];
}

static const char *library_problem(size_t i)
{
	return i < rvc_problems_count ? rvc_problems[i].id : NULL;
}

/* InvalidProfile's tag (1.2): the problem ids, and a text for each in the library. */
static void test_profile_problems(void **state)
{
	g_autofree char *xml = documented(manager()->annotations,
					  "org.roadvpn.Contract.ProfileProblems", "Manager");
	g_autofree char *daemon = joined(daemon_problem);
	g_autofree char *library = joined(library_problem);

	assert_same("roadvpnd's profile problem ids (profile/problem.c)", xml, daemon);
	assert_same("the library's profile problem ids (problem.c)", xml, library);
	for (size_t i = 0; i < rvc_problems_count; i++) {
		g_autofree char *msg = g_strdup_printf("{problem=%s setting=ppp.user} s",
						       rvc_problems[i].id);
		g_autofree char *shown = rvc_problem_render(msg);

		if (!shown || !g_str_has_prefix(shown, "User name: "))
			fail_msg("the library does not say '%s': %s", rvc_problems[i].id, shown);
	}
}

/* "auth-failed" names the secret of the layer that failed, not always the password. */
static void test_failure_text_by_phase(void **state)
{
	const char *ike = rvc_failure_text(RVC_PHASE_IKE_MAIN_MODE, "auth-failed");
	const char *ppp = rvc_failure_text(RVC_PHASE_PPP_AUTH, "auth-failed");

	assert_non_null(strstr(ike, "pre-shared key"));
	assert_null(strstr(ike, "password"));
	assert_non_null(strstr(ppp, "password"));
	assert_string_equal(rvc_failure_text(RVC_PHASE_L2TP_TUNNEL, "no-answer"),
			    rvc_reason_text("no-answer"));
	assert_string_equal(rvc_failure_text(RVC_PHASE_UNKNOWN, NULL), "");
}

/* What a front end meets when a newer helper sends something new. */
static void test_unknown_ids(void **state)
{
	assert_int_equal(rvc_phase_from_id("quantum-tunnel"), RVC_PHASE_UNKNOWN);
	assert_int_equal(rvc_phase_from_id(NULL), RVC_PHASE_UNKNOWN);
	assert_string_equal(rvc_reason_text("cosmic-rays"), "cosmic-rays");
	assert_string_equal(rvc_reason_text(NULL), "");
	assert_string_equal(rvc_secret_kind_label("otp"), "otp");
	assert_string_equal(rvc_phase_label((RvcPhase)999), rvc_phase_label(RVC_PHASE_UNKNOWN));
	assert_true(rvc_phase_is_step(RVC_PHASE_RESOLVING));
	assert_true(rvc_phase_is_step(RVC_PHASE_NETCONFIG));
	assert_false(rvc_phase_is_step(RVC_PHASE_UP));
	assert_true(rvc_phase_is_end(RVC_PHASE_FAILED));
	assert_false(rvc_phase_is_end(RVC_PHASE_DISCONNECTING));
}

/* "MAJOR.MINOR" as major * 1000 + minor, or -1. */
static int version_number(const char *v)
{
	unsigned major, minor;
	char end;

	return v && sscanf(v, "%u.%u%c", &major, &minor, &end) == 2 && minor < 1000 ?
	       (int)(major * 1000 + minor) : -1;
}

/* A member's Contract.Since: a version of this interface, not a later one. */
static int check_since(GDBusAnnotationInfo **annotations, const char *where, int current)
{
	const char *since = g_dbus_annotation_info_lookup(annotations, "org.roadvpn.Contract.Since");
	int n = version_number(since);

	if (!since)
		return 0;
	if (n < 0 || n > current || n / 1000 != current / 1000)
		fail_msg("%s: Contract.Since \"%s\" is not a version up to %s", where, since,
			 RVC_INTERFACE_VERSION);
	return 1;
}

static void test_since(void **state)
{
	int current = version_number(RVC_INTERFACE_VERSION), seen = 0;

	assert_true(current > 0);
	for (GDBusInterfaceInfo **i = node->interfaces; *i; i++) {
		for (GDBusPropertyInfo **p = (*i)->properties; p && *p; p++)
			seen += check_since((*p)->annotations, (*p)->name, current);
		for (GDBusMethodInfo **m = (*i)->methods; m && *m; m++)
			seen += check_since((*m)->annotations, (*m)->name, current);
		for (GDBusSignalInfo **g = (*i)->signals; g && *g; g++)
			seen += check_since((*g)->annotations, (*g)->name, current);
	}
	/* IPv6CP's addresses (1.3) at least: the check above is not vacuous. */
	assert_true(seen >= 2);
	assert_non_null(g_dbus_interface_info_lookup_property(
		iface("org.roadvpn.Helper1.Connection"), "Ipv6Address"));
	assert_non_null(g_dbus_interface_info_lookup_property(
		iface("org.roadvpn.Helper1.Connection"), "Ipv6PeerAddress"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_method_errors),
		cmocka_unit_test(test_secret_kinds),
		cmocka_unit_test(test_connect_options),
		cmocka_unit_test(test_diagnose),
		cmocka_unit_test(test_phases),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_unknown_ids),
		cmocka_unit_test(test_failure_text_by_phase),
		cmocka_unit_test(test_profile_problems),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
