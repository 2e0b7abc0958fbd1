/* The profile store in /etc/roadvpn/connections (see store.h). */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dbus/errors.h"
#include "session/session.h"
#include "store.h"
#include "util/log.h"

struct rv_store {
	char *dir;
};

struct rv_store *rv_store_new(const char *dir)
{
	struct rv_store *store = g_new0(struct rv_store, 1);

	store->dir = g_strdup(dir);
	if (g_mkdir_with_parents(dir, 0700) < 0)
		rv_log_warning("roadvpnd", "cannot create %s: %s", dir, g_strerror(errno));
	return store;
}

void rv_store_free(struct rv_store *store)
{
	if (!store)
		return;

	g_free(store->dir);
	g_free(store);
}

gboolean rv_store_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 64 || name[0] == '.')
		return FALSE;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isalnum(name[i]) && !strchr("._-", name[i]))
			return FALSE;
	}
	return TRUE;
}

static char *profile_path(struct rv_store *store, const char *name)
{
	g_autofree char *file = g_strconcat(name, ".conf", NULL);

	return g_build_filename(store->dir, file, NULL);
}

static int compare_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GStrv rv_store_list(struct rv_store *store)
{
	g_autoptr(GDir) dir = g_dir_open(store->dir, 0, NULL);
	g_autoptr(GPtrArray) names = g_ptr_array_new();
	const char *entry;

	while (dir && (entry = g_dir_read_name(dir))) {
		g_autofree char *name = NULL;

		if (!g_str_has_suffix(entry, ".conf"))
			continue;
		name = g_strndup(entry, strlen(entry) - 5);
		if (rv_store_name_valid(name))
			g_ptr_array_add(names, g_steal_pointer(&name));
	}

	g_ptr_array_sort(names, compare_names);
	g_ptr_array_add(names, NULL);
	return (GStrv)g_ptr_array_free(g_steal_pointer(&names), FALSE);
}

gboolean rv_store_exists(struct rv_store *store, const char *name)
{
	g_autofree char *path = NULL;

	if (!rv_store_name_valid(name))
		return FALSE;
	path = profile_path(store, name);
	return g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

/* profile/'s errors as the bus's: the message (never a line of the file) stays. */
static void bus_error(GError **error, GError *local)
{
	g_set_error(error, RV_ERROR,
		    g_error_matches(local, PROFILE_ERROR, PROFILE_ERROR_IO) ? RV_ERROR_FAILED
									   : RV_ERROR_INVALID_PROFILE,
		    "%s", local->message);
}

GKeyFile *rv_store_parse(const char *text, GError **error)
{
	g_autoptr(GError) local = NULL;
	GKeyFile *kf = profile_keyfile_parse(text, strlen(text), G_KEY_FILE_KEEP_COMMENTS, &local);

	if (!kf)
		bus_error(error, local);
	return kf;
}

GKeyFile *rv_store_read(struct rv_store *store, const char *name, GError **error)
{
	g_autofree char *path = NULL;
	g_autoptr(GError) local = NULL;
	GKeyFile *kf;

	if (!rv_store_exists(store, name)) {
		g_set_error(error, RV_ERROR, RV_ERROR_NO_SUCH_PROFILE, "no profile named '%s'", name);
		return NULL;
	}

	path = profile_path(store, name);
	kf = profile_keyfile_load(path, &local);
	if (!kf)
		bus_error(error, local);
	return kf;
}

/* Through the text, as from a file: the same checks (duplicates, bounds) whatever made kf. */
static struct profile *validate(GKeyFile *kf, GError **error)
{
	g_autoptr(GError) local = NULL;
	gsize len = 0;
	g_autofree char *text = g_key_file_to_data(kf, &len, NULL);
	struct profile *p = profile_load_data(text, len, &local);

	explicit_bzero(text, len);
	if (!p)
		bus_error(error, local);
	return p;
}

/* Straight from the file's key file: no second copy of its secrets in another one. */
struct profile *rv_store_load(struct rv_store *store, const char *name, GError **error)
{
	g_autoptr(GKeyFile) kf = rv_store_read(store, name, error);
	g_autoptr(GError) local = NULL;
	struct profile *p = kf ? profile_from_keyfile(kf, &local) : NULL;

	if (kf && !p)
		bus_error(error, local);
	return p;
}

/* A secret whose flag says "ask" is never kept on disk. */
static void drop_asked_secrets(GKeyFile *kf)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		const struct profile_secret_key *k = &profile_secret_keys[i];
		g_autofree char *flag = NULL;

		if (!k->flag_key)
			continue;
		flag = g_key_file_get_string(kf, k->group, k->flag_key, NULL);
		if (flag && !strcmp(g_strstrip(flag), "ask"))
			g_key_file_remove_key(kf, k->group, k->key, NULL);
	}
}

gboolean rv_store_write(struct rv_store *store, const char *name, GKeyFile *kf, GError **error)
{
	g_autoptr(RvProfile) p = NULL;
	g_autofree char *path = NULL, *text = NULL;
	g_autoptr(GError) local = NULL;
	gsize len = 0;
	gboolean ok;

	if (!rv_store_name_valid(name)) {
		g_autofree char *tag = profile_problem_tag("bad-name", NULL, NULL, NULL);

		g_set_error(error, RV_ERROR, RV_ERROR_INVALID_PROFILE,
			    "%sinvalid profile name '%s' (letters, digits, '.', '_', '-')", tag, name);
		return FALSE;
	}

	g_key_file_set_string(kf, "connection", "name", name);
	drop_asked_secrets(kf);
	p = validate(kf, error);
	if (!p || !session_check_profile(p, &local)) {
		if (local)
			bus_error(error, local);
		return FALSE;
	}

	path = profile_path(store, name);
	text = g_key_file_to_data(kf, &len, NULL);
	ok = g_file_set_contents_full(path, text, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT,
				      0600, &local);
	explicit_bzero(text, len);
	if (!ok) {
		g_autofree char *tag = profile_problem_tag("write-failed", NULL, NULL, NULL);

		g_set_error(error, RV_ERROR, RV_ERROR_FAILED, "%s%s", tag, local->message);
	}
	return ok;
}

gboolean rv_store_remove(struct rv_store *store, const char *name, GError **error)
{
	g_autofree char *path = NULL;

	if (!rv_store_exists(store, name)) {
		g_set_error(error, RV_ERROR, RV_ERROR_NO_SUCH_PROFILE, "no profile named '%s'", name);
		return FALSE;
	}

	path = profile_path(store, name);
	if (g_unlink(path) < 0) {
		int e = errno;
		g_autofree char *tag = profile_problem_tag("remove-failed", NULL, NULL, NULL);

		g_set_error(error, RV_ERROR, RV_ERROR_FAILED, "%scannot remove %s: %s", tag, path,
			    g_strerror(e));
		return FALSE;
	}
	return TRUE;
}

static gboolean apply_one(GKeyFile *kf, const char *what, const char *value, GError **error)
{
	const char *dot = strchr(what, '.');
	g_autoptr(GError) local = NULL;
	g_autofree char *group = NULL;

	if (!dot || dot == what || !dot[1]) {
		g_autofree char *shown = g_strescape(what, NULL);
		g_autofree char *tag = profile_problem_tag("bad-setting-name", NULL, NULL, NULL);

		g_set_error(error, RV_ERROR, RV_ERROR_INVALID_PROFILE,
			    "%s'%s': expected section.key (e.g. ppp.user)", tag, shown);
		return FALSE;
	}

	group = g_strndup(what, (gsize)(dot - what));
	if (!strcmp(what, "connection.name")) {
		g_autofree char *tag = profile_problem_tag("name-fixed", "connection", "name", NULL);

		g_set_error(error, RV_ERROR, RV_ERROR_INVALID_PROFILE,
			    "%s[connection] name: is the profile's file name; add a copy instead", tag);
		return FALSE;
	}

	if (!profile_keyfile_set(kf, group, dot + 1, value, &local)) {
		bus_error(error, local);
		return FALSE;
	}
	return TRUE;
}

gboolean rv_store_apply_settings(GKeyFile *kf, GVariant *settings, GError **error)
{
	GVariantIter iter;
	const char *key, *value;

	if (g_variant_n_children(settings) > PROFILE_MAX_KEYS) {
		g_autofree char *tag = profile_problem_tag("too-many", NULL, NULL, "limit=128");

		G_STATIC_ASSERT(PROFILE_MAX_KEYS == 128);
		g_set_error(error, RV_ERROR, RV_ERROR_INVALID_PROFILE,
			    "%smore than %d settings at once", tag, PROFILE_MAX_KEYS);
		return FALSE;
	}
	g_variant_iter_init(&iter, settings);
	while (g_variant_iter_next(&iter, "{&s&s}", &key, &value)) {
		if (!apply_one(kf, key, value, error))
			return FALSE;
	}
	return TRUE;
}

