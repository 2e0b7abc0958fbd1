/*
 * Waking up (resume.h): logind says so when it runs; the clocks say so
 * everywhere else. Both only lead to a check of the peer (session.c), so a
 * false alarm costs a few LCP echoes.
 */
#include <time.h>

#include "core.h"
#include "resume.h"
#include "util/log.h"

void session_resume_init(struct session_resume *r, struct session_core *core,
			 void (*resumed)(struct session *owner, const char *how))
{
	*r = (struct session_resume){ .core = core, .resumed = resumed };
}

static int64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t session_resume_clock_offset(void)
{
	/* Monotonic first: boottime read after it can only add the time between
	 * the two reads, so an awake machine gives 0 or a little more, never < 0. */
	int64_t monotonic = clock_us(CLOCK_MONOTONIC);

	return clock_us(CLOCK_BOOTTIME) - monotonic;
}

void session_resume_signal(struct session_resume *r, const char *how, usec_t now)
{
	if (r->last_resume && now - r->last_resume < SESSION_RESUME_DEDUP)
		return;
	r->last_resume = now;
	r->resumed(r->core->owner, how);
}

void session_resume_check_clock(struct session_resume *r, int64_t offset, usec_t now)
{
	int64_t jump = offset - r->clock_offset;

	r->clock_offset = offset;
	if (jump >= (int64_t)SESSION_RESUME_CLOCK_JUMP)
		session_resume_signal(r, "the clock jumped (suspended)", now);
}

static gboolean on_clock_check(gpointer user_data)
{
	struct session_resume *r = user_data;
	SESSION_SCOPE(r->core->owner);

	session_resume_check_clock(r, session_resume_clock_offset(), session_now());
	return G_SOURCE_CONTINUE;
}

static void on_prepare_for_sleep(GDBusConnection *bus, const gchar *sender, const gchar *path,
				 const gchar *iface, const gchar *signal, GVariant *params,
				 gpointer user_data)
{
	struct session_resume *r = user_data;
	SESSION_SCOPE(r->core->owner);
	gboolean going_to_sleep;

	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(b)")))
		return;
	g_variant_get(params, "(b)", &going_to_sleep);
	if (going_to_sleep) {
		rv_log_info("session", "the machine is going to sleep");
		return;
	}
	session_resume_signal(r, "logind: resumed from sleep", session_now());
}

static void on_bus(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct session_resume *r = user_data;
	g_autoptr(GError) error = NULL;
	GDBusConnection *bus = g_bus_get_finish(res, &error);

	if (!bus) {
		/* Cancelled, or no system bus (a container, the tests): the clocks still tell. */
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			rv_log_debug("session", "no system bus for logind's sleep signal: %s",
				     error->message);
		return;
	}
	r->bus = bus;
	r->subscription = g_dbus_connection_signal_subscribe(
		bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager", "PrepareForSleep",
		"/org/freedesktop/login1", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep, r,
		NULL);
	rv_log_debug("session", "listening for logind's PrepareForSleep on the system bus");
}

void session_resume_start(struct session_resume *r)
{
	session_resume_stop(r);
	r->clock_offset = session_resume_clock_offset();
	r->clock_timer = g_timeout_add(SESSION_RESUME_CLOCK_CHECK_MS, on_clock_check, r);
	r->cancel = g_cancellable_new();
	g_bus_get(G_BUS_TYPE_SYSTEM, r->cancel, on_bus, r);
}

void session_resume_stop(struct session_resume *r)
{
	g_clear_handle_id(&r->clock_timer, g_source_remove);
	if (r->cancel)
		g_cancellable_cancel(r->cancel);
	g_clear_object(&r->cancel);
	if (r->bus && r->subscription)
		g_dbus_connection_signal_unsubscribe(r->bus, r->subscription);
	r->subscription = 0;
	g_clear_object(&r->bus);
}
