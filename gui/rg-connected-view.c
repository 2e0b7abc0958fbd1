/*
 * Connected: what a helpdesk asks for (interface, address, DNS, routes, MTU,
 * authentication method, since when) and the traffic, as totals, current
 * rates and a one-minute graph. A one-second timer keeps "connected for"
 * moving between the helper's updates.
 */
#include <stdbool.h>

#include <glib/gi18n-lib.h>

#include "rg-connected-view.h"
#include "rg-format.h"
#include "rg-rate-graph.h"

struct _RgConnectedView {
	GtkBox parent;
	GtkLabel *interface, *address, *peer, *dns, *routes, *mtu, *auth, *since;
	GtkLabel *rx_total, *tx_total, *rx_rate, *tx_rate;
	RgRateGraph *graph;
	struct rg_rates rates;
	int64_t since_usec;
	guint tick;
};

G_DEFINE_TYPE(RgConnectedView, rg_connected_view, GTK_TYPE_BOX)

static void set_text(GtkLabel *label, const char *text)
{
	gtk_label_set_text(label, text && *text ? text : "—");
}

static void set_list(GtkLabel *label, const char *const *items)
{
	g_autofree char *text = items && items[0] ? g_strjoinv("\n", (char **)items) : NULL;

	set_text(label, text);
}

static void show_since(RgConnectedView *self)
{
	g_autoptr(GDateTime) start = NULL;
	g_autofree char *when = NULL, *took = NULL, *text = NULL;
	int64_t now = g_get_real_time();

	if (!self->since_usec) {
		set_text(self->since, NULL);
		return;
	}
	start = g_date_time_new_from_unix_local(self->since_usec / G_USEC_PER_SEC);
	when = g_date_time_format(start, "%X");
	took = rg_format_duration((now - self->since_usec) / G_USEC_PER_SEC);
	/* TRANSLATORS: the time connected, then for how long: "14:02:11 (3 min 12 s)" */
	text = g_strdup_printf(_("%s (%s)"), when, took);
	set_text(self->since, text);
}

static gboolean on_tick(gpointer user_data)
{
	show_since(user_data);
	return G_SOURCE_CONTINUE;
}

void rg_connected_view_set_info(RgConnectedView *self, const struct rg_connection_info *info)
{
	g_autofree char *mtu = info->mtu ? g_strdup_printf("%u", info->mtu) : NULL;
	const char *const full[] = { _("All traffic"), NULL };
	bool all = info->routes && info->routes[0] && g_str_equal(info->routes[0], "0.0.0.0/0");

	set_text(self->interface, info->interface);
	set_text(self->address, info->address);
	set_text(self->peer, info->peer);
	set_list(self->dns, info->dns);
	set_list(self->routes, all ? full : info->routes);
	set_text(self->mtu, mtu);
	set_text(self->auth, info->auth_method);
	self->since_usec = info->connected_since_usec;
	show_since(self);
}

void rg_connected_view_set_traffic(RgConnectedView *self, uint64_t bytes_in, uint64_t bytes_out)
{
	const struct rg_rate_sample *now;
	g_autofree char *rx = rg_format_bytes(bytes_in), *tx = rg_format_bytes(bytes_out);
	g_autofree char *rxr = NULL, *txr = NULL;

	rg_rates_add(&self->rates, bytes_in, bytes_out, g_get_monotonic_time());
	now = rg_rates_latest(&self->rates);
	rxr = rg_format_rate(now ? now->in : 0);
	txr = rg_format_rate(now ? now->out : 0);
	gtk_label_set_text(self->rx_total, rx);
	gtk_label_set_text(self->tx_total, tx);
	gtk_label_set_text(self->rx_rate, rxr);
	gtk_label_set_text(self->tx_rate, txr);
	rg_rate_graph_set_rates(self->graph, &self->rates);
}

void rg_connected_view_reset(RgConnectedView *self)
{
	rg_rates_reset(&self->rates);
	rg_connected_view_set_traffic(self, 0, 0);
	rg_rates_reset(&self->rates);
}

static void rg_connected_view_map(GtkWidget *widget)
{
	RgConnectedView *self = RG_CONNECTED_VIEW(widget);

	GTK_WIDGET_CLASS(rg_connected_view_parent_class)->map(widget);
	if (!self->tick)
		self->tick = g_timeout_add_seconds(1, on_tick, self);
}

static void rg_connected_view_unmap(GtkWidget *widget)
{
	RgConnectedView *self = RG_CONNECTED_VIEW(widget);

	g_clear_handle_id(&self->tick, g_source_remove);
	GTK_WIDGET_CLASS(rg_connected_view_parent_class)->unmap(widget);
}

static void rg_connected_view_class_init(RgConnectedViewClass *klass)
{
	GtkWidgetClass *w = GTK_WIDGET_CLASS(klass);

	g_type_ensure(RG_TYPE_RATE_GRAPH);
	w->map = rg_connected_view_map;
	w->unmap = rg_connected_view_unmap;
	gtk_widget_class_set_template_from_resource(w, "/org/roadvpn/Gtk/rg-connected-view.ui");
	gtk_widget_class_bind_template_child(w, RgConnectedView, interface);
	gtk_widget_class_bind_template_child(w, RgConnectedView, address);
	gtk_widget_class_bind_template_child(w, RgConnectedView, peer);
	gtk_widget_class_bind_template_child(w, RgConnectedView, dns);
	gtk_widget_class_bind_template_child(w, RgConnectedView, routes);
	gtk_widget_class_bind_template_child(w, RgConnectedView, mtu);
	gtk_widget_class_bind_template_child(w, RgConnectedView, auth);
	gtk_widget_class_bind_template_child(w, RgConnectedView, since);
	gtk_widget_class_bind_template_child(w, RgConnectedView, rx_total);
	gtk_widget_class_bind_template_child(w, RgConnectedView, tx_total);
	gtk_widget_class_bind_template_child(w, RgConnectedView, rx_rate);
	gtk_widget_class_bind_template_child(w, RgConnectedView, tx_rate);
	gtk_widget_class_bind_template_child(w, RgConnectedView, graph);
}

static void rg_connected_view_init(RgConnectedView *self)
{
	gtk_widget_init_template(GTK_WIDGET(self));
	rg_connected_view_reset(self);
}

GtkWidget *rg_connected_view_new(void)
{
	return g_object_new(RG_TYPE_CONNECTED_VIEW, NULL);
}
