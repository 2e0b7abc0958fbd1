/*
 * What rg-window.c, rg-connect.c and rg-profiles.c share: the window's
 * state, one entry per profile, and the few calls between them. Not for
 * anything outside the window.
 */
#pragma once

#include <roadvpn-client/roadvpn-client.h>

#include "rg-connected-view.h"
#include "rg-error-view.h"
#include "rg-log-view.h"
#include "rg-profile-row.h"
#include "rg-progress-view.h"
#include "rg-window.h"

struct attempt;

#define LOG_MAX_LINES 5000

struct entry {
	RgWindow *win;
	char *name, *gateway, *user, *invalid;
	char *invalid_text;   /* invalid in the user's language, or NULL (RvcProfileSummary) */
	gboolean ipsec;
	RgProfileRow *row;
	RvcConnection *conn;
	gulong changed_id, log_id;
	struct attempt *attempt;       /* the connect under way (keyring, secrets, Connect) */
	gboolean starting;             /* between the click and the connection object */
	gboolean remembered;           /* the keyring held secrets for it */
	char *shown_state;             /* the state the notifications last saw */
	/* The last failure, kept after roadvpnd dropped the connection object. */
	char *fail_phase, *fail_reason, *fail_message;
	char *start_error;             /* Connect itself was refused (polkit, profile) */
	GPtrArray *log;
	GHashTable *keyring_kinds;     /* kinds answered from the keyring this attempt */
	gboolean ask_secrets;          /* the keyring's answer was rejected: ask the user */
};

struct _RgWindow {
	GtkApplicationWindow parent;
	RvcClient *client;
	GCancellable *cancel;          /* everything of the window's lifetime */
	GHashTable *entries;           /* name -> struct entry */
	struct entry *selected;
	gboolean held;                 /* the app is held while the window is hidden */
	char *select_after_list;

	GtkInfoBar *banner;
	GtkLabel *banner_label;
	GtkListBox *profiles;
	GtkStack *content, *detail_stack;
	GtkLabel *detail_title, *detail_subtitle, *idle_label;
	GtkWidget *idle_box, *idle_connect;
	RgErrorView *error_view;
	RgProgressView *progress_view;
	RgConnectedView *connected_view;
	RgLogView *log_view;
};

/* rg-window.c: entries and their views */
const char *rg_entry_state(struct entry *e);
gboolean rg_state_is_active(const char *state);
void rg_entry_refresh(struct entry *e);
void rg_entry_attach(struct entry *e, RvcConnection *conn);
void rg_entry_detach(struct entry *e);
void rg_entry_clear_failure(struct entry *e);
void rg_entry_show_log(struct entry *e);
void rg_entry_notify_transition(struct entry *e, const char *from, const char *to);
void rg_window_attach_existing(RgWindow *self, const char *name);
void rg_window_fill_progress(RgWindow *self, struct entry *e);
void rg_window_list_profiles(RgWindow *self);

/* rg-connect.c: connecting (keyring, secrets dialog, Connect) and disconnecting */
void rg_connect_start(struct entry *e);
void rg_connect_stop(struct entry *e);
/* The entry goes away or stops this attempt: its callbacks just end. */
void rg_connect_abandon(struct attempt *a);

/* rg-profiles.c: adding, editing, importing, deleting, forgetting secrets */
void rg_profiles_open_editor(RgWindow *self, const char *name, const char *keyfile,
			     const char *const *stored);
void rg_profiles_edit_selected(RgWindow *self);
void rg_profiles_import(RgWindow *self);
void rg_profiles_delete_selected(RgWindow *self);
void rg_profiles_forget_selected(RgWindow *self);
