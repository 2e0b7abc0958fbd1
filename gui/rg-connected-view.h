/* The view of a connection that is up: its addresses, and live traffic. */
#pragma once

#include <gtk/gtk.h>
#include <stdint.h>

#define RG_TYPE_CONNECTED_VIEW (rg_connected_view_get_type())
G_DECLARE_FINAL_TYPE(RgConnectedView, rg_connected_view, RG, CONNECTED_VIEW, GtkBox)

struct rg_connection_info {
	const char *interface, *address, *peer, *auth_method;
	const char *const *dns;
	const char *const *routes;
	unsigned int mtu;
	int64_t connected_since_usec;   /* wall clock, 0 if unknown */
};

GtkWidget *rg_connected_view_new(void);
void rg_connected_view_set_info(RgConnectedView *view, const struct rg_connection_info *info);
/* Cumulative counters from the helper; the view derives the rates. */
void rg_connected_view_set_traffic(RgConnectedView *view, uint64_t bytes_in, uint64_t bytes_out);
/* Forget the previous connection's traffic. */
void rg_connected_view_reset(RgConnectedView *view);
