/*
 * diagnose: roadvpnd connects the profile once, step by step, and says
 * where and why it fails (rvc_client_diagnose). The report is the
 * library's text, or with --json the ids and evidence (docs/cli.md):
 *   {"profile": ..., "result": "ok"|"failed", "failed-step": ..., "cause": ...,
 *    "steps": [{"step": ..., "status": ..., "cause": ..., "evidence": {...}}]}
 * Exit status 0 when every step passed, 1 when one failed (the report says
 * which); the call's own errors as for connect.
 */
#include <stdio.h>

#include "cli.h"

static void json_step(struct cli_json *j, const RvcDiagnoseStep *s)
{
	cli_json_open(j, NULL, '{');
	cli_json_str(j, "step", s->step);
	cli_json_str(j, "status", rvc_diagnose_status_id(s->status));
	cli_json_str(j, "cause", s->cause);
	cli_json_open(j, "evidence", '{');
	for (size_t i = 0; s->keys[i]; i++)
		cli_json_str(j, s->keys[i], s->values[i]);
	cli_json_close(j, '}');
	cli_json_close(j, '}');
}

static void print_json(const char *name, const RvcDiagnoseReport *r)
{
	const RvcDiagnoseStep *failed = rvc_diagnose_report_failed_step(r);
	g_autoptr(GString) out = g_string_new(NULL);
	struct cli_json j = { .out = out };

	cli_json_open(&j, NULL, '{');
	cli_json_str(&j, "profile", name);
	cli_json_str(&j, "result", failed ? "failed" : "ok");
	cli_json_str_or_null(&j, "failed-step", failed ? failed->step : NULL);
	cli_json_str_or_null(&j, "cause", failed ? failed->cause : NULL);
	cli_json_open(&j, "steps", '[');
	for (guint i = 0; i < r->steps->len; i++)
		json_step(&j, r->steps->pdata[i]);
	cli_json_close(&j, ']');
	cli_json_close(&j, '}');
	printf("%s\n", out->str);
}

static void print_text(const char *name, const RvcDiagnoseReport *r)
{
	g_autofree char *text = rvc_diagnose_report_to_text(r, name);
	g_autofree char *safe = NULL;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

	/* The helper's evidence may quote what a profile's author wrote: escaped, line by line. */
	for (char **l = lines; *l; l++) {
		g_free(g_steal_pointer(&safe));
		safe = cli_printable(*l);
		if (**l || l[1])
			printf("%s\n", safe);
	}
}

int cli_diagnose(int argc, char **argv)
{
	struct cli_secret_files files = { 0 };
	gboolean json = FALSE;
	GOptionEntry e[] = {
		{ "json", 'j', 0, G_OPTION_ARG_NONE, &json,
		  N_("Print JSON: the steps, their status, cause and evidence (docs/cli.md)"), NULL },
		CLI_SECRET_FILE_ENTRIES(files),
		{ NULL },
	};
	g_autoptr(RvcConnectOptions) opts = rvc_connect_options_new();
	g_autoptr(RvcDiagnoseReport) r = NULL;
	g_autoptr(GError) error = NULL, why = NULL;
	bool read;

	if (!cli_parse("diagnose", "NAME",
		       N_("Connect a profile once, step by step, without changing this computer's\n"
		       "network, and say at which step it fails and the likely cause. Missing\n"
		       "secrets are asked on the terminal. The profile must not be connected."),
		       e, &argc, &argv))
		return CLI_EXIT_USAGE;
	if (argc != 2)
		return cli_fail(CLI_EXIT_USAGE, "diagnose: %s", _("give one profile NAME"));
	cli_hold_secrets();
	read = cli_add_secret_files(opts, &files);
	cli_secret_files_clear(&files);
	if (!read)
		return CLI_EXIT_USAGE;
	cli_agent_start();
	if (!json)
		fprintf(stderr, _("diagnosing %s (this can take a minute)...\n"), argv[1]);
	r = rvc_client_diagnose_sync(cli_client(), argv[1], opts, cli_ask_secrets, &why, NULL,
				     &error);
	if (!r)
		return cli_secrets_failed(error, why);
	if (json)
		print_json(argv[1], r);
	else
		print_text(argv[1], r);
	return rvc_diagnose_report_failed_step(r) ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}
