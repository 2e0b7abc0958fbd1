/* A failed connection: the phase and reason in plain words, and what to try. */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_ERROR_VIEW (rg_error_view_get_type())
G_DECLARE_FINAL_TYPE(RgErrorView, rg_error_view, RG, ERROR_VIEW, GtkBox)

GtkWidget *rg_error_view_new(void);
/*
 * title: "PPP auth failed"; cause: the reason in plain words; detail: the
 * helper's own sentence (smaller); fix: the likely fix. NULL hides a part.
 * Signals: "retry", "edit", "show-log", "diagnose" (no arguments).
 */
void rg_error_view_set(RgErrorView *view, const char *title, const char *cause,
		       const char *detail, const char *fix);

/* A modal error message over `parent`, closed by its button. */
void rg_show_error(GtkWindow *parent, const char *primary, const char *secondary);
