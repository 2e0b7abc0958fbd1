/*
 * One diagnosing connection attempt: a session like any other, but with the
 * host's network left alone (no addresses, routes, DNS, kill switch), no
 * reconnect and no remembered suites. Once up, it searches the path MTU
 * for black holes as a connection does (session/pathprobe.c), within
 * DIAGNOSE_PATH_LIMIT_S, and stops. What it recorded becomes the report
 * (report.c).
 */
#include <string.h>

#include "diagnose.h"
#include "profile/profile.h"

struct diagnose_run {
	struct profile *profile;
	struct session *session;
	diagnose_done_fn done;
	void *user_data;
	struct diagnose_outcome outcome;
	struct diagnose_report first;    /* the report of the first attempt, during a retry */
	bool retrying;
	guint report_idle;
	guint path_limit;                /* up: the path MTU search's bound */
};

static void start_session(struct diagnose_run *run);

static void on_phase(void *user_data, enum session_phase phase)
{
	struct diagnose_run *run = user_data;

	if (phase > run->outcome.reached && phase <= SESSION_PHASE_UP)
		run->outcome.reached = phase;
}

static gboolean on_path_done(gpointer user_data)
{
	struct diagnose_run *run = user_data;

	run->path_limit = 0;
	session_stop(run->session);
	return G_SOURCE_REMOVE;
}

/* The search is still going: what it knows by now is the report's. */
static gboolean on_path_limit(gpointer user_data)
{
	struct diagnose_run *run = user_data;

	run->path_limit = 0;
	run->outcome.path_cut = true;
	session_stop(run->session);
	return G_SOURCE_REMOVE;
}

/* The search ended (from inside the session's echo handling: stop from the main loop). */
static void on_path_probed(void *user_data)
{
	struct diagnose_run *run = user_data;

	if (!run->path_limit)
		return;
	g_source_remove(run->path_limit);
	run->path_limit = g_idle_add(on_path_done, run);
}

static void on_up(void *user_data, const struct session_up_info *info)
{
	struct diagnose_run *run = user_data;

	run->outcome.up = true;
	run->outcome.mtu = info->mtu;
	g_strlcpy(run->outcome.auth_method, info->auth_method ? info->auth_method : "",
		  sizeof(run->outcome.auth_method));
	run->outcome.path_limit_s = DIAGNOSE_PATH_LIMIT_S;
	run->path_limit = g_timeout_add_seconds(DIAGNOSE_PATH_LIMIT_S, on_path_limit, run);
}

/*
 * Raw ESP got nothing back: the advice is force-encap, so it is tried, and
 * the first report says what came of it. The host is as untouched as before.
 */
static bool retry_encapsulated(struct diagnose_run *run, const struct diagnose_report *r)
{
	if (run->retrying || run->profile->force_encap || !diagnose_wants_encap_retry(r))
		return false;
	run->first = *r;
	run->retrying = true;
	run->profile->force_encap = true;
	run->profile->nat_traversal = true;
	run->outcome = (struct diagnose_outcome){ .ipsec = true, .cert = run->outcome.cert };
	g_clear_pointer(&run->session, session_free);
	start_session(run);
	return true;
}

/* Reported from the main loop: the callee may free the run, and with it the session. */
static gboolean report(gpointer user_data)
{
	struct diagnose_run *run = user_data;
	struct diagnose_report r;

	run->report_idle = 0;
	diagnose_build(&run->outcome, &r);
	if (retry_encapsulated(run, &r))
		return G_SOURCE_REMOVE;
	if (run->retrying) {
		diagnose_note_encap_retry(&run->first, &run->outcome);
		r = run->first;
	}
	run->done(&r, run->user_data);
	return G_SOURCE_REMOVE;
}

static void on_finished(void *user_data, const struct session_failure *failure)
{
	struct diagnose_run *run = user_data;
	struct diagnose_outcome *o = &run->outcome;

	g_clear_handle_id(&run->path_limit, g_source_remove);
	o->has_failure = failure != NULL;
	if (failure)
		o->failure = *failure;
	session_get_evidence(run->session, &o->evidence);
	run->report_idle = g_idle_add(report, run);
}

static void start_session(struct diagnose_run *run)
{
	static const struct session_ops ops = {
		.phase_changed = on_phase,
		.up = on_up,
		.path_probed = on_path_probed,
		.finished = on_finished,
	};
	const struct session_config cfg = {
		.profile = run->profile,
		.configure_network = false,
		.probe_path = true,
	};

	run->session = session_new(&cfg, &ops, run);
	session_start(run->session);
}

struct diagnose_run *diagnose_run_start(struct profile *p, diagnose_done_fn done,
					void *user_data)
{
	struct diagnose_run *run = g_new0(struct diagnose_run, 1);

	/* A look at the path, not a connection to keep: nothing may hold the host. */
	p->kill_switch = false;
	p->reconnect = false;
	run->profile = p;
	run->done = done;
	run->user_data = user_data;
	run->outcome.ipsec = p->ipsec_enabled;
	run->outcome.cert = p->ipsec_auth && !strcmp(p->ipsec_auth, "cert");
	start_session(run);
	return run;
}

void diagnose_run_free(struct diagnose_run *run)
{
	if (!run)
		return;
	if (run->report_idle)
		g_source_remove(run->report_idle);
	g_clear_handle_id(&run->path_limit, g_source_remove);
	session_free(run->session);
	profile_free(run->profile);
	g_free(run);
}

GVariant *diagnose_report_to_variant(const struct diagnose_report *r)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(sssa{ss})"));
	for (unsigned int i = 0; i < DIAGNOSE_N_STEPS; i++) {
		const struct diagnose_step_result *s = &r->steps[i];
		GVariantBuilder ev;

		g_variant_builder_init(&ev, G_VARIANT_TYPE("a{ss}"));
		for (size_t k = 0; k < s->n_evidence; k++) {
			/* A message cut at its buffer's end may end inside a character. */
			g_autofree char *v = g_utf8_make_valid(s->evidence[k].value, -1);

			g_variant_builder_add(&ev, "{ss}", s->evidence[k].key, v);
		}
		g_variant_builder_add(&b, "(sss@a{ss})", diagnose_step_id(s->step),
				      diagnose_status_id(s->status), diagnose_cause_id(s->cause),
				      g_variant_builder_end(&ev));
	}
	return g_variant_builder_end(&b);
}
