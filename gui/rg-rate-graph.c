/*
 * Two filled lines, received and sent, scaled to the window's peak, drawn
 * with the theme's colours so it looks at home in light and dark themes.
 * The numbers themselves are in labels next to it; the graph is for the
 * shape ("is anything moving?"), so it has no axes to read.
 */
#include <math.h>

#include "rg-rate-graph.h"

struct _RgRateGraph {
	GtkDrawingArea parent;
	const struct rg_rates *rates;
};

G_DEFINE_TYPE(RgRateGraph, rg_rate_graph, GTK_TYPE_DRAWING_AREA)

/* Received in the theme's accent blue, sent in a green that reads next to it. */
static const GdkRGBA in_colour = { 0.21, 0.52, 0.89, 1.0 };
static const GdkRGBA out_colour = { 0.18, 0.76, 0.49, 1.0 };

static double sample_value(const struct rg_rate_sample *s, bool in)
{
	return in ? s->in : s->out;
}

static void trace(cairo_t *cr, const struct rg_rates *r, bool in, double w, double h, double peak)
{
	double step = w / (RG_RATE_WINDOW - 1);
	double x0 = w - step * (r->count - 1);

	cairo_move_to(cr, x0, h);
	for (unsigned int i = 0; i < r->count; i++) {
		double v = sample_value(rg_rates_get(r, i), in) / peak;

		cairo_line_to(cr, x0 + step * i, h - 2 - v * (h - 6));
	}
	cairo_line_to(cr, w, h);
	cairo_close_path(cr);
}

static void draw_series(cairo_t *cr, const struct rg_rates *r, bool in, double w, double h,
			double peak)
{
	const GdkRGBA *c = in ? &in_colour : &out_colour;

	trace(cr, r, in, w, h, peak);
	cairo_set_source_rgba(cr, c->red, c->green, c->blue, 0.18);
	cairo_fill_preserve(cr);
	cairo_set_source_rgba(cr, c->red, c->green, c->blue, 1.0);
	cairo_set_line_width(cr, 1.5);
	cairo_stroke(cr);
}

static void draw_frame(GtkWidget *widget, cairo_t *cr, double w, double h)
{
	GtkStyleContext *style = gtk_widget_get_style_context(widget);
	GdkRGBA fg;

	gtk_style_context_get_color(style, gtk_style_context_get_state(style), &fg);
	cairo_set_source_rgba(cr, fg.red, fg.green, fg.blue, 0.12);
	cairo_set_line_width(cr, 1);
	for (int i = 1; i < 4; i++) {
		cairo_move_to(cr, 0, floor(h * i / 4) + 0.5);
		cairo_line_to(cr, w, floor(h * i / 4) + 0.5);
	}
	cairo_stroke(cr);
	cairo_set_source_rgba(cr, fg.red, fg.green, fg.blue, 0.25);
	cairo_rectangle(cr, 0.5, 0.5, w - 1, h - 1);
	cairo_stroke(cr);
}

static gboolean rg_rate_graph_draw(GtkWidget *widget, cairo_t *cr)
{
	RgRateGraph *self = RG_RATE_GRAPH(widget);
	double w = gtk_widget_get_allocated_width(widget);
	double h = gtk_widget_get_allocated_height(widget);

	draw_frame(widget, cr, w, h);
	if (!self->rates || self->rates->count < 2)
		return FALSE;
	double peak = rg_rates_peak(self->rates) * 1.1;
	draw_series(cr, self->rates, true, w, h, peak);
	draw_series(cr, self->rates, false, w, h, peak);
	return FALSE;
}

static void rg_rate_graph_class_init(RgRateGraphClass *klass)
{
	GtkWidgetClass *widget_class = GTK_WIDGET_CLASS(klass);

	widget_class->draw = rg_rate_graph_draw;
	gtk_widget_class_set_accessible_role(widget_class, ATK_ROLE_CHART);
}

static void rg_rate_graph_init(RgRateGraph *self)
{
	gtk_widget_set_size_request(GTK_WIDGET(self), 240, 72);
}

void rg_rate_graph_set_rates(RgRateGraph *graph, const struct rg_rates *rates)
{
	graph->rates = rates;
	gtk_widget_queue_draw(GTK_WIDGET(graph));
}
