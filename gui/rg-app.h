/* roadvpn-gtk's GtkApplication: one instance; a second launch raises the window. */
#pragma once

#include <gtk/gtk.h>

#define RG_APP_ID "org.roadvpn.Gtk"

#define RG_TYPE_APP (rg_app_get_type())
G_DECLARE_FINAL_TYPE(RgApp, rg_app, RG, APP, GtkApplication)

RgApp *rg_app_new(void);
