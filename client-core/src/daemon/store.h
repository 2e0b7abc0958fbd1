#pragma once
/*
 * System profiles: one key file per connection, <dir>/<name>.conf, owned by
 * root and mode 0600 because it may hold secrets. Every write is validated
 * by profile/ first and replaces the file atomically, so a bad edit never
 * reaches the disk; a file that is broken on disk (edited by hand) is
 * reported as invalid and never takes the helper down.
 */
#include <glib.h>

#include "profile/profile.h"

struct rv_store;

struct rv_store *rv_store_new(const char *dir);
void rv_store_free(struct rv_store *store);

/* [A-Za-z0-9._-], 1 to 64 characters, not starting with a dot. */
gboolean rv_store_name_valid(const char *name);
/* The profile names, sorted. */
GStrv rv_store_list(struct rv_store *store);
gboolean rv_store_exists(struct rv_store *store, const char *name);

/*
 * The raw key file (RV_ERROR_NO_SUCH_PROFILE, RV_ERROR_INVALID_PROFILE for bad
 * syntax, a duplicate or a file past the bounds). For anyone to read, only
 * through profile_public_text().
 */
GKeyFile *rv_store_read(struct rv_store *store, const char *name, GError **error);
/* Read and validate. The error names the field and the reason. */
struct profile *rv_store_load(struct rv_store *store, const char *name, GError **error);

/*
 * Validate and write. [connection] name is forced to `name`; a secret whose
 * flag is "ask" is dropped (asked every time, never stored). Everything is
 * checked as a connection would use it (session_check_profile: proposals,
 * certificate files), so a bad profile is refused here, not at connect time.
 */
gboolean rv_store_write(struct rv_store *store, const char *name, GKeyFile *kf, GError **error);
gboolean rv_store_remove(struct rv_store *store, const char *name, GError **error);

/* "section.key" => value; "" removes the key. Unknown or malformed keys are refused. */
gboolean rv_store_apply_settings(GKeyFile *kf, GVariant *settings_a_ss, GError **error);

/* A key file from text, with the profile list separator (','). */
GKeyFile *rv_store_parse(const char *text, GError **error);
