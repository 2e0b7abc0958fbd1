/*
 * Following a connection to its end (see rvc_connection_follow() in
 * rvc-connection.h): each State change becomes one progress report, with
 * the steps that were passed unseen (roadvpnd coalesces property changes)
 * filled in so that a front end never misses a step.
 */
#include <string.h>

#include "private.h"

struct follow {
	RvcConnection *connection;
	RvcProgressFunc progress;
	gpointer progress_data;
	GTask *task;                 /* NULL once completed */
	GSource *cancel_source;
	gulong changed_id;
	RvcPhase last_step;          /* the last step reported, RVC_PHASE_UNKNOWN if none */
	char *last_id;               /* the last phase id reported */
	gboolean seen_ike;
};

static void follow_free(struct follow *f)
{
	g_free(f->last_id);
	g_object_unref(f->connection);
	g_free(f);
}

static void report(struct follow *f, RvcPhase phase, const char *id, gboolean unseen)
{
	RvcProgress p = {
		.phase = phase,
		.phase_id = id,
		.label = phase == RVC_PHASE_UNKNOWN ? id : rvc_phase_label(phase),
		.passed_unseen = unseen,
		.is_end = rvc_phase_is_end(phase),
		.failed = phase == RVC_PHASE_FAILED,
		.failure = { "", "", "" },
	};

	if (p.failed)
		rvc_connection_get_last_error(f->connection, &p.failure);
	g_free(f->last_id);
	f->last_id = g_strdup(id);
	if (f->progress)
		f->progress(f->connection, &p, f->progress_data);
}

static gboolean is_ike(RvcPhase phase)
{
	return phase == RVC_PHASE_IKE_MAIN_MODE || phase == RVC_PHASE_IKE_QUICK_MODE;
}

/* Report the steps after the last reported one, up to and including `until`. */
static void steps_until(struct follow *f, RvcPhase until, RvcPhase seen)
{
	f->seen_ike |= is_ike(until);
	for (RvcPhase s = f->last_step == RVC_PHASE_UNKNOWN ? RVC_PHASE_RESOLVING : f->last_step + 1;
	     s <= until; s++) {
		if (is_ike(s) && !f->seen_ike)
			continue;
		report(f, s, rvc_phase_id(s), s != seen);
		f->last_step = s;
	}
}

static void complete(struct follow *f, RvcPhase end, GError *error)
{
	GTask *task = g_steal_pointer(&f->task);

	g_clear_signal_handler(&f->changed_id, f->connection);
	if (f->cancel_source) {
		g_source_destroy(f->cancel_source);
		g_clear_pointer(&f->cancel_source, g_source_unref);
	}
	if (error)
		g_task_return_error(task, error);
	else
		g_task_return_int(task, end);
	g_object_unref(task);
}

/* An end: first the steps up to the one that failed (or all of them, when up). */
static void reach_end(struct follow *f, RvcPhase end, const char *id)
{
	RvcFailure failure;

	if (end == RVC_PHASE_UP) {
		steps_until(f, RVC_PHASE_NETCONFIG, RVC_PHASE_UNKNOWN);
	} else if (end == RVC_PHASE_FAILED &&
		   rvc_connection_get_last_error(f->connection, &failure)) {
		RvcPhase at = rvc_phase_from_id(failure.phase);

		if (rvc_phase_is_step(at))
			steps_until(f, at, RVC_PHASE_UNKNOWN);
	}
	report(f, end, id, FALSE);
	complete(f, end, NULL);
}

static void update(struct follow *f)
{
	const char *id = rvc_connection_get_state(f->connection);
	RvcPhase phase = rvc_phase_from_id(id);

	if (rvc_connection_is_gone(f->connection)) {
		complete(f, RVC_PHASE_UNKNOWN, g_error_new(RVC_ERROR, RVC_ERROR_HELPER_NOT_REACHABLE,
			rvc_gettext(N_("roadvpnd went away before the connection ended"))));
		return;
	}
	if (!*id || !g_strcmp0(id, f->last_id))
		return;
	if (rvc_phase_is_end(phase)) {
		reach_end(f, phase, id);
		return;
	}
	if (rvc_phase_is_step(phase)) {
		steps_until(f, phase, phase);
		return;
	}
	/* A new attempt after reconnect-wait goes through the steps again. */
	if (phase == RVC_PHASE_RECONNECT_WAIT)
		f->last_step = RVC_PHASE_UNKNOWN;
	report(f, phase, id, FALSE);
}

static void on_changed(RvcConnection *connection, gpointer user_data)
{
	struct follow *f = user_data;

	update(f);
}

static gboolean on_cancelled(GCancellable *cancellable, gpointer user_data)
{
	struct follow *f = user_data;

	complete(f, RVC_PHASE_UNKNOWN, g_error_new_literal(G_IO_ERROR, G_IO_ERROR_CANCELLED,
							    rvc_gettext(N_("following was cancelled"))));
	return G_SOURCE_REMOVE;
}

void rvc_connection_follow(RvcConnection *connection, RvcProgressFunc progress,
			   gpointer progress_data, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data)
{
	struct follow *f = g_new0(struct follow, 1);

	f->connection = g_object_ref(connection);
	f->progress = progress;
	f->progress_data = progress_data;
	f->last_step = RVC_PHASE_UNKNOWN;
	f->task = g_task_new(connection, cancellable, callback, user_data);
	g_task_set_source_tag(f->task, rvc_connection_follow);
	g_task_set_task_data(f->task, f, (GDestroyNotify)follow_free);
	f->changed_id = g_signal_connect(connection, "changed", G_CALLBACK(on_changed), f);
	if (cancellable) {
		f->cancel_source = g_cancellable_source_new(cancellable);
		g_source_set_callback(f->cancel_source, G_SOURCE_FUNC(on_cancelled), f, NULL);
		g_source_attach(f->cancel_source, g_main_context_get_thread_default());
	}
	/* The state now: maybe an end already (f lives as long as the task). */
	g_autoptr(GTask) hold = g_object_ref(f->task);

	update(f);
}

RvcPhase rvc_connection_follow_finish(RvcConnection *connection, GAsyncResult *result,
				      GError **error)
{
	GError *local = NULL;
	gssize end = g_task_propagate_int(G_TASK(result), &local);

	if (local) {
		g_propagate_error(error, local);
		return RVC_PHASE_UNKNOWN;
	}
	return (RvcPhase)end;
}

RvcPhase rvc_connection_follow_sync(RvcConnection *connection, RvcProgressFunc progress,
				    gpointer progress_data, GCancellable *cancellable,
				    GError **error)
{
	g_autoptr(GAsyncResult) result = NULL;

	rvc_connection_follow(connection, progress, progress_data, cancellable, rvc_store_result,
			      &result);
	while (!result)
		g_main_context_iteration(g_main_context_get_thread_default(), TRUE);
	return rvc_connection_follow_finish(connection, result, error);
}
