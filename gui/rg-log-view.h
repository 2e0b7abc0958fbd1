/* A connection's log, to read, copy or save for a helpdesk. */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_LOG_VIEW (rg_log_view_get_type())
G_DECLARE_FINAL_TYPE(RgLogView, rg_log_view, RG, LOG_VIEW, GtkBox)

GtkWidget *rg_log_view_new(void);
void rg_log_view_set_lines(RgLogView *view, const char *const *lines);
void rg_log_view_append(RgLogView *view, const char *line);
/* The name suggested when saving, e.g. "roadvpn-office.log". */
void rg_log_view_set_profile(RgLogView *view, const char *profile);
