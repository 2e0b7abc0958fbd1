/*
 * Asks for the secrets a connection needs, with "Remember in keyring". The
 * caller reads the answers with rg_secrets_dialog_take() and must release
 * each with rg_secret_free(); the entries are emptied when taken.
 */
#pragma once

#include <gtk/gtk.h>

#define RG_TYPE_SECRETS_DIALOG (rg_secrets_dialog_get_type())
G_DECLARE_FINAL_TYPE(RgSecretsDialog, rg_secrets_dialog, RG, SECRETS_DIALOG, GtkDialog)

/* kinds and labels: NULL-terminated, same length ("password" / "Password"). */
GtkWidget *rg_secrets_dialog_new(GtkWindow *parent, const char *profile, const char *const *kinds,
				 const char *const *labels, gboolean remember);
/* The answer for `kind` (wiped from the entry), or NULL; free with rg_secret_free(). */
char *rg_secrets_dialog_take(RgSecretsDialog *dialog, const char *kind);
gboolean rg_secrets_dialog_get_remember(RgSecretsDialog *dialog);
