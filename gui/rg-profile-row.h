/* One profile in the sidebar: its name, its state in words, and a switch. */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_PROFILE_ROW (rg_profile_row_get_type())
G_DECLARE_FINAL_TYPE(RgProfileRow, rg_profile_row, RG, PROFILE_ROW, GtkListBoxRow)

/* Signal "toggled" (gboolean on): the user flipped the switch. */
GtkWidget *rg_profile_row_new(const char *name);
const char *rg_profile_row_get_name(RgProfileRow *row);
/* on: the switch's position (connecting or up); status: "Connected · 203.0.113.10". */
void rg_profile_row_set_state(RgProfileRow *row, gboolean on, gboolean busy, const char *status);
/* An unusable profile cannot be switched on. */
void rg_profile_row_set_switchable(RgProfileRow *row, gboolean switchable);
