/*
 * Manager.Diagnose: the call (through connect.c's secrets round), the
 * report from its reply, and the texts of its ids in the user's language.
 * tests/unit/client/test-contract.c checks the step and cause ids here
 * against the interface XML and client-core/src/diagnose/.
 */
#include <string.h>

#include "private.h"

struct id_text {
	const char *id;
	const char *text;
};

static const struct id_text steps[] = {
	{ "resolve", N_("Gateway name") },
	{ "ike-reach", N_("IKE reachable (UDP 500)") },
	{ "ike-proposals", N_("IKE proposals") },
	{ "nat", N_("NAT") },
	{ "ike-auth", N_("IKE authentication") },
	{ "ipsec-sa", N_("IPsec SA (phase 2)") },
	{ "esp", N_("ESP traffic") },
	{ "l2tp", N_("L2TP through IPsec") },
	{ "ppp-auth", N_("PPP authentication") },
	{ "network", N_("IP address") },
	{ "mtu", N_("MTU") },
};

static const struct id_text causes[] = {
	{ "none", "" },
	{ "resolve-failed", N_("The gateway's name does not resolve: check the gateway address "
			       "and this computer's DNS.") },
	{ "port-unreachable", N_("The gateway answered ICMP port unreachable: the host is up but "
				 "nothing listens there (wrong address, or the VPN service is "
				 "stopped).") },
	{ "no-answer", N_("Nothing answered: a firewall drops the packets, or the address is "
			  "wrong.") },
	{ "no-proposal", N_("The gateway accepts none of the proposals offered: set ike= or esp= "
			    "to what the gateway is configured for.") },
	{ "legacy-only", N_("The gateway only accepts a legacy suite (3DES, SHA-1, MODP1024): "
			    "set allow-legacy=true to use it, or ask for a stronger one.") },
	{ "wrong-psk", N_("The pre-shared key is wrong (the gateway could not verify ours, or "
			  "ours does not verify the gateway's).") },
	{ "identity-rejected", N_("The gateway refused our identity: check local-id (and "
				  "remote-id).") },
	{ "certificate", N_("A certificate was refused: check cert=, key=, ca= and "
			    "remote-id.") },
	{ "esp-blocked", N_("IPsec came up but not one ESP packet came back: ESP (IP protocol "
			    "50) is probably blocked on the way. Try force-encap=true (ESP "
			    "in UDP 4500).") },
	{ "udp4500-blocked", N_("IPsec came up but nothing came back on UDP 4500: it is probably "
				"blocked on the way.") },
	{ "sa-deleted", N_("The gateway deleted the IPsec SA right after it came up: its L2TP "
			   "side is missing or refused the connection.") },
	{ "l2tp-no-answer", N_("No L2TP server answered (through IPsec, if used): the gateway "
			       "may have no L2TP service.") },
	{ "l2tp-refused", N_("The gateway closed the L2TP tunnel or call.") },
	{ "wrong-password", N_("The user name or password was refused.") },
	{ "no-auth-method", N_("No PPP authentication method in common: allow another one in "
			       "[ppp] auth (the gateway's is in the message).") },
	{ "ppp-negotiation", N_("PPP negotiation with the gateway failed.") },
	{ "mtu-black-hole", N_("Full-size packets are lost on the way and no ICMP \"fragmentation "
			       "needed\" comes back: a router drops it (a path MTU black hole). "
			       "roadvpn lowers the tunnel's MTU to what passes; letting that ICMP "
			       "through restores the full size.") },
	{ "other", N_("See the message.") },
};

static const struct id_text keys[] = {
	{ "message", N_("Message") },
	{ "address", N_("Address") },
	{ "replies", N_("IKE replies") },
	{ "ike", N_("IKE suite") },
	{ "nat", N_("NAT") },
	{ "auth", N_("Authentication") },
	{ "esp", N_("ESP suite") },
	{ "encapsulation", N_("Encapsulation") },
	{ "force-encap", N_("Tried with force-encap=true") },
	{ "force-encap-message", N_("Message with force-encap=true") },
	{ "method", N_("Method") },
	{ "mtu", N_("MTU") },
	{ "lost", N_("Smallest size lost (bytes)") },
	{ "path-probe", N_("Path MTU probe") },
	{ "peer-code", N_("Gateway's code") },
};

static const char *text_of(const struct id_text *t, size_t n, const char *id)
{
	if (!id)
		return "";
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(t[i].id, id))
			return *t[i].text ? rvc_gettext(t[i].text) : "";
	}
	return id;
}

const char *rvc_diagnose_step_label(const char *step_id)
{
	return text_of(steps, G_N_ELEMENTS(steps), step_id);
}

const char *rvc_diagnose_cause_text(const char *cause_id)
{
	return text_of(causes, G_N_ELEMENTS(causes), cause_id);
}

const char *rvc_diagnose_evidence_label(const char *key)
{
	return text_of(keys, G_N_ELEMENTS(keys), key);
}

const char *rvc_diagnose_step_nth(size_t i)
{
	return i < G_N_ELEMENTS(steps) ? steps[i].id : NULL;
}

const char *rvc_diagnose_cause_nth(size_t i)
{
	return i < G_N_ELEMENTS(causes) ? causes[i].id : NULL;
}

const char *rvc_diagnose_status_id(RvcDiagnoseStatus status)
{
	switch (status) {
	case RVC_DIAGNOSE_OK:
		return "ok";
	case RVC_DIAGNOSE_FAILED:
		return "failed";
	case RVC_DIAGNOSE_SKIPPED:
		return "skipped";
	case RVC_DIAGNOSE_UNKNOWN:
		break;
	}
	return "unknown";
}

const char *rvc_diagnose_status_label(RvcDiagnoseStatus status)
{
	switch (status) {
	case RVC_DIAGNOSE_OK:
		return rvc_gettext(NC_("diagnose", "ok"));
	case RVC_DIAGNOSE_FAILED:
		return rvc_gettext(NC_("diagnose", "FAILED"));
	case RVC_DIAGNOSE_SKIPPED:
		return rvc_gettext(NC_("diagnose", "skipped"));
	case RVC_DIAGNOSE_UNKNOWN:
		break;
	}
	return "?";
}

static RvcDiagnoseStatus status_from_id(const char *id)
{
	for (RvcDiagnoseStatus s = RVC_DIAGNOSE_OK; s <= RVC_DIAGNOSE_SKIPPED; s++) {
		if (!strcmp(id, rvc_diagnose_status_id(s)))
			return s;
	}
	return RVC_DIAGNOSE_UNKNOWN;
}

/* The report ----------------------------------------------------------------- */

static void step_free(gpointer data)
{
	RvcDiagnoseStep *s = data;

	g_free(s->step);
	g_free(s->cause);
	g_strfreev(s->keys);
	g_strfreev(s->values);
	g_free(s);
}

void rvc_diagnose_report_free(RvcDiagnoseReport *report)
{
	if (!report)
		return;
	g_ptr_array_unref(report->steps);
	g_free(report);
}

/* Known keys in the table's order (the message first), then the others sorted. */
static gint key_rank(const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (!strcmp(keys[i].id, key))
			return (gint)i;
	}
	return G_N_ELEMENTS(keys);
}

struct pair {
	char *key, *value;
};

static gint by_rank(gconstpointer a, gconstpointer b)
{
	const struct pair *pa = a, *pb = b;
	gint r = key_rank(pa->key) - key_rank(pb->key);

	return r ? r : strcmp(pa->key, pb->key);
}

/* The evidence pairs, sorted, into two NULL-terminated lists (the strings move). */
static void evidence_from(RvcDiagnoseStep *s, GVariant *evidence)
{
	g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(struct pair));
	GVariantIter iter;
	struct pair p;

	g_variant_iter_init(&iter, evidence);
	while (g_variant_iter_next(&iter, "{ss}", &p.key, &p.value))
		g_array_append_val(pairs, p);
	g_array_sort(pairs, by_rank);
	s->keys = g_new0(char *, pairs->len + 1);
	s->values = g_new0(char *, pairs->len + 1);
	for (guint i = 0; i < pairs->len; i++) {
		s->keys[i] = g_array_index(pairs, struct pair, i).key;
		s->values[i] = g_array_index(pairs, struct pair, i).value;
	}
}

static RvcDiagnoseStep *step_from(const char *id, const char *status, const char *cause,
				  GVariant *evidence)
{
	RvcDiagnoseStep *s = g_new0(RvcDiagnoseStep, 1);

	s->step = g_strdup(id);
	s->status = status_from_id(status);
	s->cause = g_strdup(cause);
	evidence_from(s, evidence);
	return s;
}

RvcDiagnoseReport *rvc_diagnose_report_from_variant(GVariant *value, GError **error)
{
	RvcDiagnoseReport *r;
	GVariantIter iter;
	GVariant *entry;

	if (!value || !g_variant_is_of_type(value, G_VARIANT_TYPE("a(sssa{ss})"))) {
		g_set_error(error, RVC_ERROR, RVC_ERROR_FAILED, "roadvpnd sent a report of type %s",
			    value ? g_variant_get_type_string(value) : "(none)");
		return NULL;
	}
	r = g_new0(RvcDiagnoseReport, 1);
	r->steps = g_ptr_array_new_with_free_func(step_free);
	g_variant_iter_init(&iter, value);
	while ((entry = g_variant_iter_next_value(&iter))) {
		const char *id, *status, *cause;
		g_autoptr(GVariant) evidence = NULL;

		g_variant_get(entry, "(&s&s&s@a{ss})", &id, &status, &cause, &evidence);
		g_ptr_array_add(r->steps, step_from(id, status, cause, evidence));
		g_variant_unref(entry);
	}
	return r;
}

const RvcDiagnoseStep *rvc_diagnose_report_failed_step(const RvcDiagnoseReport *report)
{
	for (guint i = 0; i < report->steps->len; i++) {
		const RvcDiagnoseStep *s = report->steps->pdata[i];

		if (s->status == RVC_DIAGNOSE_FAILED)
			return s;
	}
	return NULL;
}

const char *rvc_diagnose_step_evidence(const RvcDiagnoseStep *step, const char *key)
{
	for (size_t i = 0; step->keys[i]; i++) {
		if (!strcmp(step->keys[i], key))
			return step->values[i];
	}
	return NULL;
}

static void append_step(GString *out, const RvcDiagnoseStep *s)
{
	g_string_append_printf(out, "%-8s %s\n", rvc_diagnose_status_label(s->status),
			       rvc_diagnose_step_label(s->step));
	for (size_t i = 0; s->keys[i]; i++) {
		g_string_append(out, "         ");
		/* TRANSLATORS: a fact of the diagnose report, "Address: 198.51.100.1". */
		g_string_append_printf(out, rvc_gettext(N_("%s: %s")),
				       rvc_diagnose_evidence_label(s->keys[i]), s->values[i]);
		g_string_append_c(out, '\n');
	}
	if (s->status == RVC_DIAGNOSE_FAILED)
		g_string_append_printf(out, "         %s %s\n", rvc_gettext(N_("Likely cause:")),
				       rvc_diagnose_cause_text(s->cause));
}

char *rvc_diagnose_report_to_text(const RvcDiagnoseReport *report, const char *profile)
{
	const RvcDiagnoseStep *failed = rvc_diagnose_report_failed_step(report);
	GString *out = g_string_new(NULL);

	g_string_append_printf(out, rvc_gettext(N_("Diagnosis of %s\n")), profile);
	for (guint i = 0; i < report->steps->len; i++)
		append_step(out, report->steps->pdata[i]);
	if (failed)
		g_string_append_printf(out, rvc_gettext(N_("Result: %s failed. %s\n")),
				       rvc_diagnose_step_label(failed->step),
				       rvc_diagnose_cause_text(failed->cause));
	else
		g_string_append(out, rvc_gettext(N_("Result: every step passed.\n")));
	return g_string_free(out, FALSE);
}

/* The call --------------------------------------------------------------------- */

void rvc_diagnose_return_reply(GTask *task, GVariant *reply)
{
	g_autoptr(GVariant) value = g_variant_get_child_value(reply, 0);
	GError *error = NULL;
	RvcDiagnoseReport *r = rvc_diagnose_report_from_variant(value, &error);

	if (r)
		g_task_return_pointer(task, r, (GDestroyNotify)rvc_diagnose_report_free);
	else
		g_task_return_error(task, error);
	g_object_unref(task);
}

void rvc_client_diagnose(RvcClient *client, const char *profile, const RvcConnectOptions *options,
			 RvcSecretsFunc secrets, gpointer secrets_data, GCancellable *cancellable,
			 GAsyncReadyCallback callback, gpointer user_data)
{
	GTask *task = g_task_new(client, cancellable, callback, user_data);

	g_task_set_source_tag(task, rvc_client_diagnose);
	/* Not running yet (D-Bus activation): the call itself will tell. */
	if (rvc_client_get_interface_version(client) && !rvc_client_helper_has_version(client, 1, 1)) {
		g_task_return_new_error(task, RVC_ERROR, RVC_ERROR_INCOMPATIBLE,
					"roadvpnd is too old to diagnose (needs interface 1.1)");
		g_object_unref(task);
		return;
	}
	rvc_client_call_with_secrets(client, "Diagnose", profile, options, secrets, secrets_data,
				     task);
}

RvcDiagnoseReport *rvc_client_diagnose_finish(RvcClient *client, GAsyncResult *result,
					      GError **error)
{
	return g_task_propagate_pointer(G_TASK(result), error);
}

RvcDiagnoseReport *rvc_client_diagnose_sync(RvcClient *client, const char *profile,
					    const RvcConnectOptions *options,
					    RvcSecretsFunc secrets, gpointer secrets_data,
					    GCancellable *cancellable, GError **error)
{
	g_autoptr(GAsyncResult) result = NULL;

	rvc_client_diagnose(client, profile, options, secrets, secrets_data, cancellable,
			    rvc_store_result, &result);
	rvc_client_wait(client, &result);
	return rvc_client_diagnose_finish(client, result, error);
}
