/*
 * The main window and what binds its widgets to roadvpnd's profiles and
 * connections (through the client library only).
 */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_WINDOW (rg_window_get_type())
G_DECLARE_FINAL_TYPE(RgWindow, rg_window, RG, WINDOW, GtkApplicationWindow)

RgWindow *rg_window_new(GtkApplication *app);
/* A connection is connecting or up: closing the window keeps the app running. */
gboolean rg_window_any_active(RgWindow *window);
/* Open a file of another VPN client's settings in the editor, as a new profile. */
void rg_window_import_file(RgWindow *window, GFile *file);
