/* A small graph of the receive and send rates over the last minute. */
#pragma once

#include <gtk/gtk.h>

#include "rg-format.h"

#define RG_TYPE_RATE_GRAPH (rg_rate_graph_get_type())
G_DECLARE_FINAL_TYPE(RgRateGraph, rg_rate_graph, RG, RATE_GRAPH, GtkDrawingArea)

/* The graph keeps a pointer: the owner updates `rates` and calls this to redraw. */
void rg_rate_graph_set_rates(RgRateGraph *graph, const struct rg_rates *rates);
