/* Connecting: every phase, done / under way / waiting, so a person sees where it stops. */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_PROGRESS_VIEW (rg_progress_view_get_type())
G_DECLARE_FINAL_TYPE(RgProgressView, rg_progress_view, RG, PROGRESS_VIEW, GtkBox)

GtkWidget *rg_progress_view_new(void);
/* The phases in order (ids and their labels); clears the progress. */
void rg_progress_view_set_phases(RgProgressView *view, const char *const *ids,
				 const char *const *labels);
/* Phases before `id` are done, `id` is under way (a spinner). Unknown ids are ignored. */
void rg_progress_view_set_current(RgProgressView *view, const char *id);
/* `id` failed: a cross instead of the spinner; the rest stays waiting. */
void rg_progress_view_set_failed(RgProgressView *view, const char *id);
/* The heading, and whether a Cancel button (win.toggle-connection) goes with it. */
void rg_progress_view_set_title(RgProgressView *view, const char *title, gboolean can_cancel);
