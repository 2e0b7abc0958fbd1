/*
 * The profile editor: every setting of rg-settings.c on four pages, checked
 * while the user types (the field says what is wrong, Save stays off until
 * the form is valid). It does not talk to the helper: on "response" OK the
 * window sends rg_editor_get_keyfile() to AddProfile, or
 * rg_editor_get_changes() to UpdateProfile, and puts the helper's refusal
 * back with rg_editor_show_error().
 */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_EDITOR (rg_editor_get_type())
G_DECLARE_FINAL_TYPE(RgEditor, rg_editor, RG, EDITOR, GtkDialog)

/*
 * name NULL: a new profile. keyfile: the profile as the helper returned it
 * (no secrets), stored_secrets: the secrets the helper keeps for it.
 */
GtkWidget *rg_editor_new(GtkWindow *parent, const char *name, const char *keyfile,
			 const char *const *stored_secrets);
const char *rg_editor_get_name(RgEditor *editor);
gboolean rg_editor_is_new(RgEditor *editor);
/* Key-file text for AddProfile (secrets the user chose to store included); wipe after use. */
char *rg_editor_get_keyfile(RgEditor *editor);
/* "section.key" => value for UpdateProfile, only what changed ("" removes a key). */
GHashTable *rg_editor_get_changes(RgEditor *editor);
/* A new profile's name to start with (an import's suggestion). */
void rg_editor_set_name(RgEditor *editor, const char *name);
/* A line above the form's verdict, e.g. what an import took and left out. */
void rg_editor_set_note(RgEditor *editor, const char *note);
/* The helper refused (InvalidProfile, NotAuthorized, ...): say why, keep the dialog open. */
void rg_editor_show_error(RgEditor *editor, const char *message);
/* While the helper (and polkit) is asked: Save insensitive, a spinner. */
void rg_editor_set_busy(RgEditor *editor, gboolean busy);
