/*
 * libroadvpn-client against the real roadvpnd (test-client-lib.sh runs it
 * on the front-end harness's private bus, with polkitd). Written as a
 * front end is: the library's public header only.
 *
 *   client-probe owner      an allowed user: summaries, MissingSecrets, the
 *                           secrets callback, InvalidArgs, AlreadyActive and
 *                           attaching, following to a failure, the log
 *   client-probe stranger   a user polkit refuses: restricted, NotAuthorized
 *   client-probe gone       roadvpnd is not running: not reachable
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <roadvpn-client/roadvpn-client.h>

static int failures;

#define CHECK(cond, ...)                                                    \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "FAIL (line %d): ", __LINE__);      \
			fprintf(stderr, __VA_ARGS__);                       \
			fputc('\n', stderr);                                \
			failures++;                                         \
		}                                                           \
	} while (0)

static void check_error(const GError *error, RvcError code, const char *what)
{
	CHECK(g_error_matches(error, RVC_ERROR, (gint)code), "%s: expected code %d, got %s",
	      what, code, error ? error->message : "success");
}

struct asked {
	int times;
	char *kinds;
	const char *answer;      /* NULL: cancel */
};

static void on_secrets(RvcSecretsRequest *r, gpointer user_data)
{
	struct asked *a = user_data;

	a->times++;
	g_free(a->kinds);
	a->kinds = g_strjoinv(",", (char **)rvc_secrets_request_get_kinds(r));
	if (!a->answer) {
		rvc_secrets_request_cancel(r);
		return;
	}
	for (const char *const *k = rvc_secrets_request_get_kinds(r); *k; k++)
		rvc_secrets_request_set(r, *k, a->answer);
	rvc_secrets_request_done(r);
}

static void on_progress(RvcConnection *c, const RvcProgress *p, gpointer user_data)
{
	GString *log = user_data;

	g_string_append_printf(log, "%s%s ", p->phase_id, p->passed_unseen ? "*" : "");
	if (p->failed)
		g_string_append_printf(log, "[%s/%s] ", p->failure.phase, p->failure.reason);
}

static void summaries(RvcClient *client)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) list = rvc_client_list_profiles_sync(client, NULL, &error);
	const RvcProfileSummary *s = rvc_profile_list_find(list, "office");

	CHECK(s != NULL, "office not listed (%s)", error ? error->message : "");
	if (!s)
		return;
	CHECK(!s->restricted && !s->invalid, "office restricted or invalid");
	CHECK(!strcmp(s->gateway, "192.0.2.1") && !strcmp(s->user, "alice"), "gateway %s user %s",
	      s->gateway, s->user);
	CHECK(!s->ipsec, "office is plain L2TP");
	CHECK(!strcmp(s->state, "disconnected") && !s->connection_path, "state %s", s->state);
}

static void secrets(RvcClient *client)
{
	g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL;
	g_autoptr(RvcConnectOptions) given = rvc_connect_options_new();
	g_autoptr(RvcConnectOptions) bogus = rvc_connect_options_new();
	g_auto(GStrv) missing = rvc_client_missing_secrets_sync(client, "office", NULL, NULL, &e1);
	g_auto(GStrv) none = NULL;
	struct asked cancel = { 0 };

	CHECK(missing && g_strv_length(missing) == 1 && !strcmp(missing[0], "password"),
	      "MissingSecrets: %s", e1 ? e1->message : missing && missing[0] ? missing[0] : "[]");
	rvc_connect_options_set_secret(given, RVC_SECRET_PASSWORD, "hunter2");
	none = rvc_client_missing_secrets_sync(client, "office", given, NULL, NULL);
	CHECK(none && !none[0], "MissingSecrets with the password given is not empty");

	rvc_connect_options_set_secret(bogus, "no-such-kind", "x");
	CHECK(!rvc_client_connect_sync(client, "office", bogus, NULL, NULL, NULL, &e2), "bogus");
	check_error(e2, RVC_ERROR_INVALID_ARGUMENT, "an unknown option");
	CHECK(!rvc_client_connect_sync(client, "office", NULL, NULL, NULL, NULL, &e3), "no cb");
	check_error(e3, RVC_ERROR_NEEDS_SECRETS, "no secrets callback");
	CHECK(!rvc_client_connect_sync(client, "office", NULL, on_secrets, &cancel, NULL, &e4),
	      "cancelled");
	check_error(e4, RVC_ERROR_NEEDS_SECRETS, "a cancelled request");
	CHECK(cancel.times == 1 && !g_strcmp0(cancel.kinds, "password"), "asked %d for %s",
	      cancel.times, cancel.kinds);
	g_free(cancel.kinds);
}

static void connect_and_follow(RvcClient *client)
{
	struct asked a = { .answer = "hunter2" };
	g_autoptr(GError) error = NULL, again = NULL, ferr = NULL;
	g_autoptr(RvcConnection) c = rvc_client_connect_sync(client, "office", NULL, on_secrets, &a,
							     NULL, &error);
	g_autoptr(RvcConnection) attached = NULL;
	g_autoptr(GString) log = g_string_new(NULL);
	g_auto(GStrv) lines = NULL;
	RvcFailure f;
	RvcPhase end;

	CHECK(c != NULL, "connect: %s", error ? error->message : "");
	if (!c)
		return;
	CHECK(a.times == 1, "the callback was asked %d times", a.times);
	CHECK(!strcmp(rvc_connection_get_profile(c), "office"), "profile");
	CHECK(!rvc_client_connect_sync(client, "office", NULL, on_secrets, &a, NULL, &again), "2nd");
	check_error(again, RVC_ERROR_ALREADY_ACTIVE, "a second connect");
	attached = rvc_client_get_connection_sync(client, "office", NULL, NULL);
	CHECK(attached && !strcmp(rvc_connection_get_path(attached), rvc_connection_get_path(c)),
	      "attach gives another object");

	end = rvc_connection_follow_sync(c, on_progress, log, NULL, &ferr);
	CHECK(end == RVC_PHASE_FAILED, "followed to %s (%s)", rvc_phase_id(end),
	      ferr ? ferr->message : "");
	CHECK(g_str_has_prefix(log->str, "resolving"), "progress: %s", log->str);
	/* resolving, l2tp-tunnel (perhaps unseen), disconnecting, then the end. */
	CHECK(strstr(log->str, " l2tp-tunnel") &&
	      g_str_has_suffix(log->str, "failed [l2tp-tunnel/no-answer] "), "progress: %s",
	      log->str);
	CHECK(rvc_connection_get_last_error(c, &f) && !strcmp(f.reason, "no-answer"), "last error");
	CHECK(rvc_connection_get_exit_code(c) == 3, "exit code %d", rvc_connection_get_exit_code(c));
	CHECK(strlen(rvc_reason_text(f.reason)) > 0 && strcmp(rvc_reason_text(f.reason), f.reason),
	      "no text for %s", f.reason);
	lines = rvc_connection_get_log_sync(c, NULL, NULL);
	CHECK(lines && lines[0], "no log");
	for (char **l = lines; l && *l; l++)
		CHECK(!strstr(*l, "hunter2"), "a secret in the log");
	printf("progress: %s\n", log->str);
	g_free(a.kinds);
}

static int owner(void)
{
	g_autoptr(GError) error = NULL, down = NULL;
	g_autoptr(RvcClient) client = rvc_client_new_sync(NULL, &error);

	CHECK(client != NULL, "client: %s", error ? error->message : "");
	if (!client)
		return 1;
	CHECK(rvc_client_get_helper_running(client), "helper not running");
	CHECK(!g_strcmp0(rvc_client_get_interface_version(client), RVC_INTERFACE_VERSION),
	      "version %s", rvc_client_get_interface_version(client));
	summaries(client);
	secrets(client);
	connect_and_follow(client);
	CHECK(!rvc_client_disconnect_sync(client, "office", NULL, &down), "disconnect");
	check_error(down, RVC_ERROR_FAILED, "disconnecting what is not connected");
	return failures ? 1 : 0;
}

static int stranger(void)
{
	g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL;
	g_autoptr(RvcClient) client = rvc_client_new_sync(NULL, &e1);
	g_autoptr(GPtrArray) list = client ? rvc_client_list_profiles_sync(client, NULL, NULL) : NULL;
	const RvcProfileSummary *s = rvc_profile_list_find(list, "office");
	g_autoptr(RvcConnectOptions) o = rvc_connect_options_new();

	CHECK(s && s->restricted && !*s->gateway && !*s->user, "office not restricted");
	CHECK(!rvc_client_missing_secrets_sync(client, "office", NULL, NULL, &e2), "missing");
	check_error(e2, RVC_ERROR_NOT_AUTHORIZED, "MissingSecrets as a stranger");
	rvc_connect_options_set_secret(o, RVC_SECRET_PASSWORD, "hunter2");
	CHECK(!rvc_client_connect_sync(client, "office", o, NULL, NULL, NULL, &e3), "connect");
	check_error(e3, RVC_ERROR_NOT_AUTHORIZED, "Connect as a stranger");
	return failures ? 1 : 0;
}

static int gone(void)
{
	g_autoptr(GError) e1 = NULL, e2 = NULL;
	g_autoptr(RvcClient) client = rvc_client_new_sync(NULL, &e1);

	CHECK(client != NULL, "client without a helper: %s", e1 ? e1->message : "");
	if (!client)
		return 1;
	CHECK(!rvc_client_get_helper_running(client), "helper running");
	CHECK(!rvc_client_list_profiles_sync(client, NULL, &e2), "list");
	check_error(e2, RVC_ERROR_HELPER_NOT_REACHABLE, "listing without a helper");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "owner"))
		return owner();
	if (argc == 2 && !strcmp(argv[1], "stranger"))
		return stranger();
	if (argc == 2 && !strcmp(argv[1], "gone"))
		return gone();
	fprintf(stderr, "usage: client-probe owner|stranger|gone\n");
	return 2;
}
