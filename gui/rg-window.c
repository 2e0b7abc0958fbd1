/*
 * The main window binds widgets to roadvpnd through libroadvpn-client:
 *
 *   profiles     ListProfiles on start, on ProfilesChanged and when the
 *                helper comes back; one entry (and sidebar row) per profile
 *   connecting   secrets the helper will ask for are looked up in the
 *                keyring first; whatever is still missing is asked in the
 *                secrets dialog (the library's secrets callback)
 *   state        each entry follows its RvcConnection's ::changed; the
 *                views are drawn from that state, never from history, so a
 *                connection attached later (or by another client) looks the
 *                same as one started here
 *
 * Nothing here speaks D-Bus or reads profile files: that is the library's.
 */
#include <string.h>

#include <glib/gi18n-lib.h>

#include "rg-diagnose-view.h"
#include "rg-hints.h"
#include "rg-window-private.h"

G_DEFINE_TYPE(RgWindow, rg_window, GTK_TYPE_APPLICATION_WINDOW)

struct attempt;
void rg_entry_refresh(struct entry *e);
void rg_window_list_profiles(RgWindow *self);
void rg_connect_start(struct entry *e);
void rg_connect_abandon(struct attempt *a);

static const char *unreachable_text(void)
{
	return _("roadvpnd is not reachable — is it installed?");
}

/* Entries ------------------------------------------------------------------- */

void rg_entry_detach(struct entry *e)
{
	if (!e->conn)
		return;
	g_clear_signal_handler(&e->changed_id, e->conn);
	g_clear_signal_handler(&e->log_id, e->conn);
	rvc_connection_unfollow_log(e->conn);
	g_clear_object(&e->conn);
}

void rg_entry_clear_failure(struct entry *e)
{
	g_clear_pointer(&e->fail_phase, g_free);
	g_clear_pointer(&e->fail_reason, g_free);
	g_clear_pointer(&e->fail_message, g_free);
	g_clear_pointer(&e->start_error, g_free);
}

static void entry_free(gpointer data)
{
	struct entry *e = data;

	if (e->attempt)
		rg_connect_abandon(e->attempt);
	rg_entry_detach(e);
	rg_entry_clear_failure(e);
	g_free(e->name);
	g_free(e->gateway);
	g_free(e->user);
	g_free(e->invalid);
	g_free(e->invalid_text);
	g_free(e->shown_state);
	g_ptr_array_unref(e->log);
	g_hash_table_unref(e->keyring_kinds);
	g_free(e);
}

const char *rg_entry_state(struct entry *e)
{
	const char *state = e->conn ? rvc_connection_get_state(e->conn) : NULL;

	if (state && *state)
		return state;
	return e->starting ? "starting" : "disconnected";
}

gboolean rg_state_is_active(const char *state)
{
	RvcPhase p = rvc_phase_from_id(state);

	return !strcmp(state, "starting") || rvc_phase_is_step(p) || p == RVC_PHASE_UP ||
	       p == RVC_PHASE_RECONNECT_WAIT || p == RVC_PHASE_IDLE;
}

gboolean rg_window_any_active(RgWindow *self)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, self->entries);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		if (rg_state_is_active(rg_entry_state(value)))
			return TRUE;
	}
	return FALSE;
}

/* Log ------------------------------------------------------------------------- */

static void entry_add_log(struct entry *e, const char *line)
{
	g_ptr_array_add(e->log, g_strdup(line));
	if (e->log->len > LOG_MAX_LINES)
		g_ptr_array_remove_range(e->log, 0, e->log->len - LOG_MAX_LINES);
	if (e->win->selected == e)
		rg_log_view_append(e->win->log_view, line);
}

void rg_entry_show_log(struct entry *e)
{
	g_ptr_array_add(e->log, NULL);
	rg_log_view_set_lines(e->win->log_view, (const char *const *)e->log->pdata);
	g_ptr_array_remove_index(e->log, e->log->len - 1);
	rg_log_view_set_profile(e->win->log_view, e->name);
}

static void on_log_line(RvcConnection *conn, const char *line, struct entry *e)
{
	entry_add_log(e, line);
}

static void on_backlog(GObject *source, GAsyncResult *res, gpointer user_data)
{
	struct entry *e = user_data;
	g_auto(GStrv) lines = rvc_connection_follow_log_finish(RVC_CONNECTION(source), res, NULL);

	/* A reader roadvpnd does not allow gets no log; the view says nothing then. */
	if (!lines || g_cancellable_is_cancelled(e->win->cancel))
		return;
	g_ptr_array_set_size(e->log, 0);
	for (char **l = lines; *l; l++)
		g_ptr_array_add(e->log, g_strdup(*l));
	if (e->win->selected == e)
		rg_entry_show_log(e);
}

/* Notifications ------------------------------------------------------------------ */

static void notify(struct entry *e, const char *title, const char *body, const char *icon)
{
	GApplication *app = G_APPLICATION(gtk_window_get_application(GTK_WINDOW(e->win)));
	g_autoptr(GNotification) n = g_notification_new(title);
	g_autofree char *id = g_strdup_printf("connection-%s", e->name);
	g_autoptr(GIcon) gicon = g_themed_icon_new(icon);

	if (!app)
		return;
	g_notification_set_body(n, body);
	g_notification_set_icon(n, gicon);
	g_notification_set_default_action(n, "app.activate");
	g_application_send_notification(app, id, n);
}

/*
 * What went wrong in one sentence: roadvpnd's own while the app speaks
 * English, else the library's translated reason (roadvpnd's stays in the log).
 */
static const char *failure_sentence(struct entry *e)
{
	if (e->fail_message && rvc_speaks_english())
		return e->fail_message;
	if (e->fail_reason)
		return rvc_failure_text(rvc_phase_from_id(e->fail_phase), e->fail_reason);
	return _("The connection failed.");
}

/* Tell the user about changes they may not be looking at. */
void rg_entry_notify_transition(struct entry *e, const char *from, const char *to)
{
	g_autofree char *title = NULL, *body = NULL;
	RvcPhase was = rvc_phase_from_id(from), now = rvc_phase_from_id(to);

	if (now == RVC_PHASE_UP && was != RVC_PHASE_UP) {
		title = g_strdup_printf(_("Connected to %s"), e->name);
		body = g_strdup_printf(_("Your address is %s."), rvc_connection_get_address(e->conn));
		notify(e, title, body, "network-vpn-symbolic");
	} else if (now == RVC_PHASE_FAILED) {
		title = g_strdup_printf(_("Could not connect to %s"), e->name);
		notify(e, title, failure_sentence(e),
		       "network-vpn-disconnected-symbolic");
	} else if (now == RVC_PHASE_DISCONNECTED && was != RVC_PHASE_DISCONNECTED &&
		   was != RVC_PHASE_UNKNOWN) {
		title = g_strdup_printf(_("Disconnected from %s"), e->name);
		notify(e, title, _("The VPN connection has ended."), "network-vpn-disconnected-symbolic");
	} else if (now == RVC_PHASE_RECONNECT_WAIT && was == RVC_PHASE_UP) {
		title = g_strdup_printf(_("Connection to %s lost"), e->name);
		notify(e, title, _("Reconnecting…"), "network-vpn-acquiring-symbolic");
	}
}

/* Views --------------------------------------------------------------------------- */

void rg_window_fill_progress(RgWindow *self, struct entry *e)
{
	g_autoptr(GPtrArray) ids = g_ptr_array_new();
	g_autoptr(GPtrArray) labels = g_ptr_array_new();

	for (RvcPhase p = RVC_PHASE_RESOLVING; p <= RVC_PHASE_NETCONFIG; p++) {
		if (!e->ipsec && (p == RVC_PHASE_IKE_MAIN_MODE || p == RVC_PHASE_IKE_QUICK_MODE))
			continue;
		g_ptr_array_add(ids, (gpointer)rvc_phase_id(p));
		g_ptr_array_add(labels, (gpointer)rvc_phase_label(p));
	}
	g_ptr_array_add(ids, NULL);
	g_ptr_array_add(labels, NULL);
	rg_progress_view_set_phases(self->progress_view, (const char *const *)ids->pdata,
				    (const char *const *)labels->pdata);
}

static void show_connected(RgWindow *self, struct entry *e)
{
	RvcStatistics st = rvc_connection_get_statistics(e->conn);
	struct rg_connection_info info = {
		.interface = rvc_connection_get_interface(e->conn),
		.address = rvc_connection_get_address(e->conn),
		.peer = rvc_connection_get_peer_address(e->conn),
		.auth_method = rvc_connection_get_auth_method(e->conn),
		.dns = rvc_connection_get_dns(e->conn),
		.routes = rvc_connection_get_routes(e->conn),
		.mtu = rvc_connection_get_mtu(e->conn),
		.connected_since_usec = rvc_connection_get_connected_since(e->conn) * G_USEC_PER_SEC,
	};

	rg_connected_view_set_info(self->connected_view, &info);
	rg_connected_view_set_traffic(self->connected_view, st.bytes_in, st.bytes_out);
}

static void show_failure(RgWindow *self, struct entry *e)
{
	g_autofree char *title = NULL;

	if (e->start_error) {
		rg_error_view_set(self->error_view, _("Could not start the connection"), e->start_error,
				  NULL, NULL);
		return;
	}
	/* TRANSLATORS: %s is a connection phase, e.g. "IPsec (IKE main mode)" */
	title = g_strdup_printf(_("%s failed"), rvc_phase_label(rvc_phase_from_id(e->fail_phase)));
	rg_error_view_set(self->error_view, title,
			  rvc_failure_text(rvc_phase_from_id(e->fail_phase), e->fail_reason),
			  /* roadvpnd's English sentence only in English; the log has it. */
			  rvc_speaks_english() ? e->fail_message : NULL,
			  rg_hint_for_failure(e->fail_phase, e->fail_reason, e->fail_message));
	rg_progress_view_set_failed(self->progress_view, e->fail_phase);
}

static const char *idle_text(struct entry *e)
{
	/* The library says which setting in the user's language; else what to do about it. */
	if (e->invalid)
		return e->invalid_text
			       ? e->invalid_text
			       : _("A setting of the profile cannot be used. Open Edit Profile to correct it.");
	return e->ipsec ? _("Not connected.")
			: _("Not connected. This profile uses plain L2TP: traffic to the gateway is "
			    "not encrypted.");
}

static void show_detail(RgWindow *self, struct entry *e)
{
	const char *state = rg_entry_state(e);
	RvcPhase p = rvc_phase_from_id(state);
	gboolean failed = p == RVC_PHASE_FAILED || e->start_error ||
			  (p == RVC_PHASE_DISCONNECTED && e->fail_phase);
	gboolean connecting = !failed && rg_state_is_active(state) && p != RVC_PHASE_UP;
	g_autofree char *progress_title = g_strdup_printf(_("Connecting to %s…"), e->name);

	gtk_widget_set_visible(self->idle_box, !failed && !connecting && p != RVC_PHASE_UP);
	gtk_label_set_text(self->idle_label, idle_text(e));
	gtk_widget_set_visible(self->idle_connect, !e->invalid);
	gtk_widget_set_visible(GTK_WIDGET(self->error_view), failed);
	gtk_widget_set_visible(GTK_WIDGET(self->progress_view), connecting || (failed && e->fail_phase));
	gtk_widget_set_visible(GTK_WIDGET(self->connected_view), p == RVC_PHASE_UP);
	rg_progress_view_set_title(self->progress_view,
				   p == RVC_PHASE_RECONNECT_WAIT ? _("Connection lost: reconnecting…")
				   : failed ? _("Where it stopped")
					    : progress_title,
				   connecting);
	if (connecting)
		rg_progress_view_set_current(self->progress_view, state);
	if (failed)
		show_failure(self, e);
	if (p == RVC_PHASE_UP)
		show_connected(self, e);
}

static char *subtitle(struct entry *e)
{
	if (e->invalid)
		return g_strdup(_("This profile cannot be used"));
	return g_strdup_printf("%s · %s · %s", e->gateway, e->user,
			       e->ipsec ? "L2TP/IPsec" : _("plain L2TP (not encrypted)"));
}

static char *row_status(struct entry *e, const char *state)
{
	RvcPhase p = rvc_phase_from_id(state);

	if (e->invalid)
		return g_strdup(_("Cannot be used"));
	if (e->start_error || p == RVC_PHASE_FAILED || (p == RVC_PHASE_DISCONNECTED && e->fail_phase))
		return g_strdup_printf(_("Failed: %s"), rvc_phase_label(rvc_phase_from_id(e->fail_phase)));
	if (p == RVC_PHASE_UP)
		return g_strdup_printf(_("Connected · %s"), rvc_connection_get_address(e->conn));
	if (p == RVC_PHASE_RECONNECT_WAIT)
		return g_strdup(_("Reconnecting…"));
	if (p == RVC_PHASE_DISCONNECTING)
		return g_strdup(_("Disconnecting…"));
	if (!strcmp(state, "starting") || p == RVC_PHASE_IDLE)
		return g_strdup(_("Connecting…"));
	if (rvc_phase_is_step(p))
		return g_strdup_printf(_("Connecting: %s"), rvc_phase_label(p));
	return g_strdup(_("Not connected"));
}

static void keep_failure(struct entry *e)
{
	RvcFailure f;

	if (!e->conn || !rvc_connection_get_last_error(e->conn, &f))
		return;
	rg_entry_clear_failure(e);
	e->fail_phase = g_strdup(f.phase);
	e->fail_reason = g_strdup(f.reason);
	e->fail_message = g_strdup(f.message);
	/* Secrets from the keyring that the gateway refused are asked for next time. */
	if (!strcmp(f.reason, "auth-failed") || !strcmp(f.reason, "tunnel-auth-failed"))
		e->ask_secrets = g_hash_table_size(e->keyring_kinds) > 0;
}

static void update_background(RgWindow *self);

void rg_entry_refresh(struct entry *e)
{
	RgWindow *self = e->win;
	const char *state = rg_entry_state(e);
	RvcPhase p = rvc_phase_from_id(state);
	g_autofree char *status = NULL;

	if (p == RVC_PHASE_FAILED && g_strcmp0(state, e->shown_state))
		keep_failure(e);
	if (g_strcmp0(state, e->shown_state)) {
		if (e->shown_state)
			rg_entry_notify_transition(e, e->shown_state, state);
		g_free(e->shown_state);
		e->shown_state = g_strdup(state);
	}
	status = row_status(e, state);
	rg_profile_row_set_state(e->row, rg_state_is_active(state), rg_state_is_active(state) &&
				 p != RVC_PHASE_UP, status);
	rg_profile_row_set_switchable(e->row, !e->invalid);
	if (self->selected == e)
		show_detail(self, e);
	update_background(self);
}

/* Background ---------------------------------------------------------------------- */

/* While hidden, the app lives as long as a connection is up or under way. */
static void update_background(RgWindow *self)
{
	GApplication *app = G_APPLICATION(gtk_window_get_application(GTK_WINDOW(self)));

	if (!self->held || gtk_widget_get_visible(GTK_WIDGET(self)) || rg_window_any_active(self))
		return;
	self->held = FALSE;
	gtk_widget_destroy(GTK_WIDGET(self));
	g_application_release(app);
}

static gboolean on_delete(GtkWidget *widget, GdkEventAny *event)
{
	RgWindow *self = RG_WINDOW(widget);
	GApplication *app = G_APPLICATION(gtk_window_get_application(GTK_WINDOW(self)));
	g_autoptr(GNotification) n = NULL;

	if (!rg_window_any_active(self))
		return FALSE;
	gtk_widget_hide(widget);
	if (!self->held) {
		self->held = TRUE;
		g_application_hold(app);
		n = g_notification_new(_("roadvpn keeps running"));
		g_notification_set_body(n, _("Your VPN connection stays up. Open roadvpn to "
					     "disconnect it."));
		g_application_send_notification(app, "background", n);
	}
	return TRUE;
}

static void on_show(GtkWidget *widget)
{
	RgWindow *self = RG_WINDOW(widget);

	GTK_WIDGET_CLASS(rg_window_parent_class)->show(widget);
	if (self->held) {
		self->held = FALSE;
		g_application_release(G_APPLICATION(gtk_window_get_application(GTK_WINDOW(self))));
	}
}

/* Attaching to a connection ------------------------------------------------------- */

static void on_conn_changed(RvcConnection *conn, struct entry *e)
{
	rg_entry_refresh(e);
}

void rg_entry_attach(struct entry *e, RvcConnection *conn)
{
	if (e->conn == conn)
		return;
	rg_entry_detach(e);
	e->conn = g_object_ref(conn);
	g_free(e->shown_state);
	e->shown_state = NULL;
	e->changed_id = g_signal_connect(conn, "changed", G_CALLBACK(on_conn_changed), e);
	e->log_id = g_signal_connect(conn, "log", G_CALLBACK(on_log_line), e);
	rvc_connection_follow_log(conn, e->win->cancel, on_backlog, e);
	if (e->win->selected == e)
		rg_connected_view_reset(e->win->connected_view);
	rg_entry_refresh(e);
}

static void on_got_connection(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(RvcConnection) conn = rvc_client_get_connection_finish(RVC_CLIENT(source), res,
									&error);
	g_autofree char *name = user_data;
	RgWindow *self;
	struct entry *e;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	self = g_object_get_data(source, "rg-window");
	e = self ? g_hash_table_lookup(self->entries, name) : NULL;
	if (e && conn)
		rg_entry_attach(e, conn);
}

void rg_window_attach_existing(RgWindow *self, const char *name)
{
	rvc_client_get_connection(self->client, name, self->cancel, on_got_connection,
				  g_strdup(name));
}

static void on_row_toggled(RgProfileRow *row, gboolean on, struct entry *e)
{
	if (on)
		rg_connect_start(e);
	else
		rg_connect_stop(e);
}

/* The profile list ----------------------------------------------------------------- */

static void select_entry(RgWindow *self, struct entry *e)
{
	g_autofree char *sub = NULL;

	self->selected = e;
	gtk_stack_set_visible_child_name(self->content, e ? "profile" : "empty");
	if (!e)
		return;
	sub = subtitle(e);
	gtk_label_set_text(self->detail_title, e->name);
	gtk_label_set_text(self->detail_subtitle, sub);
	rg_window_fill_progress(self, e);
	rg_connected_view_reset(self->connected_view);
	rg_entry_show_log(e);
	show_detail(self, e);
	gtk_list_box_select_row(self->profiles, GTK_LIST_BOX_ROW(e->row));
}

static void on_row_selected(RgWindow *self, GtkListBoxRow *row)
{
	struct entry *e = row ? g_hash_table_lookup(self->entries,
						    rg_profile_row_get_name(RG_PROFILE_ROW(row)))
			      : NULL;

	if (e && e != self->selected)
		select_entry(self, e);
}

static void set_str(char **slot, const char *value)
{
	if (g_strcmp0(*slot, value)) {
		g_free(*slot);
		*slot = g_strdup(value);
	}
}

static struct entry *entry_new(RgWindow *self, const char *name)
{
	struct entry *e = g_new0(struct entry, 1);

	e->win = self;
	e->name = g_strdup(name);
	e->log = g_ptr_array_new_with_free_func(g_free);
	e->keyring_kinds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	e->row = RG_PROFILE_ROW(rg_profile_row_new(name));
	g_signal_connect(e->row, "toggled", G_CALLBACK(on_row_toggled), e);
	gtk_container_add(GTK_CONTAINER(self->profiles), GTK_WIDGET(e->row));
	g_hash_table_insert(self->entries, e->name, e);
	return e;
}

/* A failure roadvpnd remembers for a profile whose connection object is gone. */
static void summary_failure(struct entry *e, const RvcProfileSummary *s)
{
	if (e->conn || e->attempt || !s->last_error.phase || !*s->last_error.phase ||
	    e->fail_phase)
		return;
	e->fail_phase = g_strdup(s->last_error.phase);
	e->fail_reason = g_strdup(s->last_error.reason);
	e->fail_message = g_strdup(s->last_error.message);
}

static void merge_summary(RgWindow *self, const RvcProfileSummary *s)
{
	struct entry *e = g_hash_table_lookup(self->entries, s->name);

	if (!e)
		e = entry_new(self, s->name);
	set_str(&e->gateway, s->gateway);
	set_str(&e->user, s->user);
	set_str(&e->invalid, s->invalid);
	set_str(&e->invalid_text, s->invalid_text);
	e->ipsec = s->ipsec;
	summary_failure(e, s);
	if (s->connection_path && !e->conn && !e->attempt)
		rg_window_attach_existing(self, s->name);
	rg_entry_refresh(e);
	if (self->selected == e)
		select_entry(self, e);
}

static void drop_missing(RgWindow *self, GPtrArray *profiles)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, self->entries);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct entry *e = value;

		if (rvc_profile_list_find(profiles, e->name))
			continue;
		if (self->selected == e)
			self->selected = NULL;
		gtk_widget_destroy(GTK_WIDGET(e->row));
		g_hash_table_iter_remove(&it);
	}
}

static void select_after_list(RgWindow *self)
{
	struct entry *e = NULL;
	GtkListBoxRow *first = gtk_list_box_get_row_at_index(self->profiles, 0);

	if (self->select_after_list)
		e = g_hash_table_lookup(self->entries, self->select_after_list);
	g_clear_pointer(&self->select_after_list, g_free);
	if (!e && !self->selected && first)
		e = g_hash_table_lookup(self->entries,
					rg_profile_row_get_name(RG_PROFILE_ROW(first)));
	if (e)
		select_entry(self, e);
	else if (!self->selected)
		select_entry(self, NULL);
}

static void show_banner(RgWindow *self, const char *text)
{
	if (text)
		gtk_label_set_text(self->banner_label, text);
	gtk_info_bar_set_revealed(self->banner, text != NULL);
	/* Nothing can be switched while nobody can answer. */
	gtk_widget_set_sensitive(GTK_WIDGET(self->profiles), text == NULL);
	gtk_widget_set_sensitive(GTK_WIDGET(self->content), text == NULL);
	/* With no profile known yet, "no profiles" would be a guess. */
	if (!self->selected)
		gtk_stack_set_visible_child_name(self->content, text ? "unreachable" : "empty");
}

static void on_listed(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) profiles = rvc_client_list_profiles_finish(RVC_CLIENT(source), res,
									&error);
	RgWindow *self = user_data;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (!profiles) {
		show_banner(self, g_error_matches(error, RVC_ERROR, RVC_ERROR_HELPER_NOT_REACHABLE)
					  ? unreachable_text()
					  : error->message);
		return;
	}
	show_banner(self, NULL);
	drop_missing(self, profiles);
	for (guint i = 0; i < profiles->len; i++)
		merge_summary(self, g_ptr_array_index(profiles, i));
	select_after_list(self);
}

void rg_window_list_profiles(RgWindow *self)
{
	if (self->client)
		rvc_client_list_profiles(self->client, self->cancel, on_listed, self);
}

static int sort_rows(GtkListBoxRow *a, GtkListBoxRow *b, gpointer user_data)
{
	return g_utf8_collate(rg_profile_row_get_name(RG_PROFILE_ROW(a)),
			      rg_profile_row_get_name(RG_PROFILE_ROW(b)));
}

/* The helper ----------------------------------------------------------------------- */

static void on_helper_running(RvcClient *client, GParamSpec *pspec, RgWindow *self)
{
	/* Gone: every connection object is gone too; back: list and reattach. */
	if (rvc_client_get_helper_running(client)) {
		rg_window_list_profiles(self);
		return;
	}
	show_banner(self, unreachable_text());
}

static void on_profiles_changed(RvcClient *client, RgWindow *self)
{
	rg_window_list_profiles(self);
}

static void create_client(RgWindow *self);

static void on_client(GObject *source, GAsyncResult *res, gpointer user_data)
{
	g_autoptr(GError) error = NULL;
	RvcClient *client = rvc_client_new_finish(res, &error);
	RgWindow *self = user_data;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
		return;
	if (!client) {
		show_banner(self, g_error_matches(error, RVC_ERROR, RVC_ERROR_INCOMPATIBLE)
					  ? error->message
					  : unreachable_text());
		return;
	}
	self->client = client;
	g_object_set_data(G_OBJECT(client), "rg-window", self);
	g_signal_connect(client, "notify::helper-running", G_CALLBACK(on_helper_running), self);
	g_signal_connect(client, "profiles-changed", G_CALLBACK(on_profiles_changed), self);
	rg_window_list_profiles(self);
}

static void create_client(RgWindow *self)
{
	rvc_client_new(self->cancel, on_client, self);
}

static void on_banner_response(RgWindow *self, int response)
{
	if (self->client)
		rg_window_list_profiles(self);
	else
		create_client(self);
}

/* Actions ---------------------------------------------------------------------------- */

static void act_add(GSimpleAction *a, GVariant *p, gpointer self)
{
	rg_profiles_open_editor(self, NULL, NULL, NULL);
}

static void act_import(GSimpleAction *a, GVariant *p, gpointer self)
{
	rg_profiles_import(self);
}

static void act_edit(GSimpleAction *a, GVariant *p, gpointer self)
{
	rg_profiles_edit_selected(self);
}

static void act_delete(GSimpleAction *a, GVariant *p, gpointer self)
{
	rg_profiles_delete_selected(self);
}

static void act_forget(GSimpleAction *a, GVariant *p, gpointer self)
{
	rg_profiles_forget_selected(self);
}

static void act_toggle(GSimpleAction *a, GVariant *p, gpointer user_data)
{
	RgWindow *self = user_data;
	struct entry *e = self->selected;

	if (!e || !self->client)
		return;
	if (rg_state_is_active(rg_entry_state(e)))
		rg_connect_stop(e);
	else
		rg_connect_start(e);
}

/* Ctrl+W: like the close button, so a connection keeps the app in the background. */
static void act_close(GSimpleAction *a, GVariant *p, gpointer self)
{
	gtk_window_close(self);
}

static void act_show_log(GSimpleAction *a, GVariant *p, gpointer user_data)
{
	RgWindow *self = user_data;

	gtk_stack_set_visible_child_name(self->detail_stack, "log");
}

static void on_error_retry(RgWindow *self)
{
	if (self->selected)
		rg_connect_start(self->selected);
}

static void on_error_edit(RgWindow *self)
{
	rg_profiles_edit_selected(self);
}

static void on_error_show_log(RgWindow *self)
{
	gtk_stack_set_visible_child_name(self->detail_stack, "log");
}

static void on_error_diagnose(RgWindow *self)
{
	if (self->selected)
		gtk_widget_show(rg_diagnose_view_new(GTK_WINDOW(self), self->client,
						     self->selected->name));
}

static const GActionEntry actions[] = {
	{ .name = "add-profile", .activate = act_add },
	{ .name = "import-profile", .activate = act_import },
	{ .name = "edit-profile", .activate = act_edit },
	{ .name = "delete-profile", .activate = act_delete },
	{ .name = "forget-secrets", .activate = act_forget },
	{ .name = "toggle-connection", .activate = act_toggle },
	{ .name = "show-log", .activate = act_show_log },
	{ .name = "close", .activate = act_close },
};

/* Lifetime --------------------------------------------------------------------------- */

static void rg_window_dispose(GObject *object)
{
	RgWindow *self = RG_WINDOW(object);

	if (self->cancel)
		g_cancellable_cancel(self->cancel);
	g_clear_pointer(&self->entries, g_hash_table_unref);
	if (self->client) {
		g_signal_handlers_disconnect_by_data(self->client, self);
		g_object_set_data(G_OBJECT(self->client), "rg-window", NULL);
	}
	g_clear_object(&self->client);
	g_clear_object(&self->cancel);
	g_clear_pointer(&self->select_after_list, g_free);
	G_OBJECT_CLASS(rg_window_parent_class)->dispose(object);
}

static void rg_window_class_init(RgWindowClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	g_type_ensure(RG_TYPE_ERROR_VIEW);
	g_type_ensure(RG_TYPE_PROGRESS_VIEW);
	g_type_ensure(RG_TYPE_CONNECTED_VIEW);
	g_type_ensure(RG_TYPE_LOG_VIEW);
	G_OBJECT_CLASS(klass)->dispose = rg_window_dispose;
	w->delete_event = on_delete;
	w->show = on_show;
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-window.ui");
	gtk_widget_class_bind_template_child(w, RgWindow, banner);
	gtk_widget_class_bind_template_child(w, RgWindow, banner_label);
	gtk_widget_class_bind_template_child(w, RgWindow, profiles);
	gtk_widget_class_bind_template_child(w, RgWindow, content);
	gtk_widget_class_bind_template_child(w, RgWindow, detail_stack);
	gtk_widget_class_bind_template_child(w, RgWindow, detail_title);
	gtk_widget_class_bind_template_child(w, RgWindow, detail_subtitle);
	gtk_widget_class_bind_template_child(w, RgWindow, idle_label);
	gtk_widget_class_bind_template_child(w, RgWindow, idle_box);
	gtk_widget_class_bind_template_child(w, RgWindow, idle_connect);
	gtk_widget_class_bind_template_child(w, RgWindow, error_view);
	gtk_widget_class_bind_template_child(w, RgWindow, progress_view);
	gtk_widget_class_bind_template_child(w, RgWindow, connected_view);
	gtk_widget_class_bind_template_child(w, RgWindow, log_view);
	gtk_widget_class_bind_template_callback(w, on_row_selected);
	gtk_widget_class_bind_template_callback(w, on_banner_response);
	gtk_widget_class_bind_template_callback(w, on_error_retry);
	gtk_widget_class_bind_template_callback(w, on_error_edit);
	gtk_widget_class_bind_template_callback(w, on_error_show_log);
	gtk_widget_class_bind_template_callback(w, on_error_diagnose);
}

static void rg_window_init(RgWindow *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	self->cancel = g_cancellable_new();
	self->entries = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
	g_action_map_add_action_entries(G_ACTION_MAP(self), actions, G_N_ELEMENTS(actions), self);
	gtk_list_box_set_sort_func(self->profiles, sort_rows, NULL, NULL);
	select_entry(self, NULL);
	create_client(self);
}

RgWindow *rg_window_new(GtkApplication *app)
{
	return g_object_new(RG_TYPE_WINDOW, "application", app, NULL);
}
