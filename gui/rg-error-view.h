/* A failed connection: the phase and reason in plain words, and what to try. */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_ERROR_VIEW (rg_error_view_get_type())
G_DECLARE_FINAL_TYPE(RgErrorView, rg_error_view, RG, ERROR_VIEW, GtkBox)

GtkWidget *rg_error_view_new(void);
/*
 * title: "PPP authentication failed"; detail: the helper's message; fix: the
 * likely fix, or NULL. Signals: "retry", "edit", "show-log" (no arguments).
 */
void rg_error_view_set(RgErrorView *view, const char *title, const char *detail,
		       const char *fix);
