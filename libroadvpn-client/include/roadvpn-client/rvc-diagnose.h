#pragma once
/*
 * `roadvpn diagnose`: roadvpnd connects a profile once, step by step, and
 * reports where it fails and why (Manager.Diagnose, interface 1.1).
 *
 * A report is the list of steps in order (resolve, ike-reach,
 * ike-proposals, nat, ike-auth, ipsec-sa, esp, l2tp, ppp-auth, network,
 * mtu), each ok, failed or skipped; at most one fails, with a cause id.
 * Step and cause ids are stable: match on them, show the labels and texts
 * below (translated). Evidence is facts as key/value text ("address",
 * "ike", "message", ...); it never holds a secret. A newer helper may send
 * steps, causes or keys this library does not know: their text is the id.
 */
#include <gio/gio.h>

#include <roadvpn-client/rvc-client.h>
#include <roadvpn-client/rvc-secrets.h>

G_BEGIN_DECLS

typedef enum {
	RVC_DIAGNOSE_UNKNOWN,   /* a status this library does not know */
	RVC_DIAGNOSE_OK,        /* "ok" */
	RVC_DIAGNOSE_FAILED,    /* "failed" */
	RVC_DIAGNOSE_SKIPPED,   /* "skipped": not reached, or not used (plain L2TP) */
} RvcDiagnoseStatus;

typedef struct {
	char *step;             /* "ike-auth", ... */
	RvcDiagnoseStatus status;
	char *cause;            /* "wrong-psk", ...; "none" unless failed */
	char **keys;            /* evidence keys, NULL-terminated, known keys first */
	char **values;          /* their values, same order */
} RvcDiagnoseStep;

typedef struct {
	GPtrArray *steps;       /* of RvcDiagnoseStep, in step order */
} RvcDiagnoseReport;

void rvc_diagnose_report_free(RvcDiagnoseReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RvcDiagnoseReport, rvc_diagnose_report_free)

/* The step that failed, or NULL when every step that ran passed. */
const RvcDiagnoseStep *rvc_diagnose_report_failed_step(const RvcDiagnoseReport *report);
/* The value of evidence `key` of a step, or NULL. */
const char *rvc_diagnose_step_evidence(const RvcDiagnoseStep *step, const char *key);

/* Translated texts: "ike-auth" -> "IKE authentication"; unknown ids as they are. */
const char *rvc_diagnose_step_label(const char *step_id);
/* "wrong-psk" -> "The pre-shared key is wrong ..."; unknown ids as they are. */
const char *rvc_diagnose_cause_text(const char *cause_id);
/* "ok", "FAILED", "skipped", translated. */
const char *rvc_diagnose_status_label(RvcDiagnoseStatus status);
const char *rvc_diagnose_status_id(RvcDiagnoseStatus status);
/* "address" -> "Address"; unknown keys as they are. */
const char *rvc_diagnose_evidence_label(const char *key);

/*
 * The report as text for a person (and for "Copy report"): one line per
 * step, the evidence under it, the likely cause under the failed one, and a
 * last line with the verdict. Translated; the evidence values are the
 * helper's (the message is its English line).
 */
char *rvc_diagnose_report_to_text(const RvcDiagnoseReport *report, const char *profile);

/*
 * The report from the helper's reply value (type a(sssa{ss})); NULL and
 * RVC_ERROR_FAILED for another type. Public for tests and fuzzing.
 */
RvcDiagnoseReport *rvc_diagnose_report_from_variant(GVariant *value, GError **error);

/*
 * Diagnose `profile` with `options` (its secrets; NULL: none), asking
 * `secrets` for the missing ones as rvc_client_connect() does. Completes
 * when the helper's attempt ended, which takes up to a minute or two: the
 * call has no timeout, cancel it with the GCancellable. Errors as for
 * connect, and RVC_ERROR_ALREADY_ACTIVE when the profile is connected
 * (disconnect first), RVC_ERROR_BUSY when it is being diagnosed already,
 * RVC_ERROR_INCOMPATIBLE when the helper is older than interface 1.1.
 */
void rvc_client_diagnose(RvcClient *client, const char *profile, const RvcConnectOptions *options,
			 RvcSecretsFunc secrets, gpointer secrets_data, GCancellable *cancellable,
			 GAsyncReadyCallback callback, gpointer user_data);
RvcDiagnoseReport *rvc_client_diagnose_finish(RvcClient *client, GAsyncResult *result,
					      GError **error);
RvcDiagnoseReport *rvc_client_diagnose_sync(RvcClient *client, const char *profile,
					    const RvcConnectOptions *options,
					    RvcSecretsFunc secrets, gpointer secrets_data,
					    GCancellable *cancellable, GError **error);

G_END_DECLS
