/*
 * `roadvpn diagnose` in the app: a dialog that has roadvpnd connect a
 * profile step by step (rvc_client_diagnose) and shows the report, with
 * "Copy Report" for a help desk. Opened from the failure view.
 */
#pragma once

#include <gtk/gtk.h>
#include <roadvpn-client/roadvpn-client.h>

#define RG_TYPE_DIAGNOSE_VIEW (rg_diagnose_view_get_type())
G_DECLARE_FINAL_TYPE(RgDiagnoseView, rg_diagnose_view, RG, DIAGNOSE_VIEW, GtkDialog)

/*
 * A dialog over `parent` diagnosing `profile` at once: the secrets it needs
 * come from the keyring, or are asked (never remembered from here). Closing
 * it stops waiting; it destroys itself.
 */
GtkWidget *rg_diagnose_view_new(GtkWindow *parent, RvcClient *client, const char *profile);
/* Show a report (what a finished diagnosis does; public for tests). */
void rg_diagnose_view_show_report(RgDiagnoseView *self, const RvcDiagnoseReport *report);
/* The report's text as "Copy Report" puts it on the clipboard ("" while running). */
const char *rg_diagnose_view_get_text(RgDiagnoseView *self);
