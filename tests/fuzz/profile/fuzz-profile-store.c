/*
 * The helper's profile-store path as AddProfile, UpdateProfile and
 * GetProfile run it (daemon/store.c): key-file text -> rv_store_parse ->
 * rv_store_apply_settings -> validation through the text -> the public
 * text, with the invariant that no secret ever reaches the public text.
 *
 * Input: the profile text, then after the first NUL byte the settings as
 * "section.key" NUL value NUL pairs (those that are not UTF-8 are dropped:
 * the bus would never deliver them).
 *
 * Secret-free public text is checked two ways, so that neither check rests
 * on the code under test: (1) every key of the public text is a known key
 * that is not in profile_secret_keys[]; (2) non-interference: the same key
 * file with every secret replaced by another value gives the same public
 * text. And (3) a secret of 4 bytes or more that the file's non-secret
 * keys and comments do not contain must not be in it either.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GVariant *settings_from(const uint8_t *p, size_t n)
{
	GVariantBuilder b;
	const uint8_t *end = p + n;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{ss}"));
	while (p < end) {
		const uint8_t *k = p, *kz = memchr(k, 0, (size_t)(end - k)), *v, *vz;

		if (!kz)
			break;
		v = kz + 1;
		vz = v < end ? memchr(v, 0, (size_t)(end - v)) : NULL;
		if (!vz)
			break;
		if (g_utf8_validate((const char *)k, -1, NULL) &&
		    g_utf8_validate((const char *)v, -1, NULL))
			g_variant_builder_add(&b, "{ss}", k, v);
		p = vz + 1;
	}
	return g_variant_ref_sink(g_variant_builder_end(&b));
}

/* (1): nothing but known keys that are not secrets. */
static void check_keys(const char *pub)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_auto(GStrv) groups = NULL;

	if (!g_key_file_load_from_data(kf, pub, (gsize)-1, G_KEY_FILE_NONE, NULL))
		abort();
	groups = g_key_file_get_groups(kf, NULL);
	for (char **g = groups; *g; g++) {
		g_auto(GStrv) keys = g_key_file_get_keys(kf, *g, NULL, NULL);

		for (char **k = keys; k && *k; k++) {
			if (profile_secret_at(*g, *k))
				abort();
		}
	}
}

/* What the file shows without its secrets: its other keys, with their comments. */
static char *without_secrets(GKeyFile *kf)
{
	g_autofree char *text = g_key_file_to_data(kf, NULL, NULL);
	g_autoptr(GKeyFile) copy = g_key_file_new();

	g_key_file_load_from_data(copy, text, (gsize)-1, G_KEY_FILE_KEEP_COMMENTS, NULL);
	for (size_t i = 0; i < profile_n_secret_keys; i++)
		g_key_file_remove_key(copy, profile_secret_keys[i].group,
				      profile_secret_keys[i].key, NULL);
	return g_key_file_to_data(copy, NULL, NULL);
}

/* (2) and (3). */
static void check_secrets(GKeyFile *kf, const char *pub)
{
	g_autofree char *text = g_key_file_to_data(kf, NULL, NULL);
	g_autofree char *shown = without_secrets(kf);
	g_autoptr(GKeyFile) other = g_key_file_new();
	g_auto(GStrv) stored = NULL;
	g_autofree char *other_pub = NULL;

	g_key_file_load_from_data(other, text, (gsize)-1, G_KEY_FILE_KEEP_COMMENTS, NULL);
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		const struct profile_secret_key *k = &profile_secret_keys[i];
		g_autofree char *v = g_key_file_get_value(kf, k->group, k->key, NULL);

		if (!v)
			continue;
		if (strlen(v) >= 4 && strstr(pub, v) && !strstr(shown, v))
			abort();
		g_key_file_set_value(other, k->group, k->key, "not-the-same-secret");
	}
	other_pub = profile_public_text(other, &stored);
	if (strcmp(pub, other_pub))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t text_len = nul ? (size_t)(nul - data) : size;
	g_autofree char *text = g_strndup((const char *)data, text_len);
	g_autoptr(GVariant) settings = nul ? settings_from(nul + 1, size - text_len - 1) : NULL;
	g_autoptr(GKeyFile) kf = rv_store_parse(text, NULL);
	g_autoptr(RvProfile) p = NULL;
	g_auto(GStrv) stored = NULL;
	g_autofree char *pub = NULL, *saved = NULL;
	gsize saved_len = 0;

	if (!kf)
		return 0;
	if (settings && !rv_store_apply_settings(kf, settings, NULL))
		return 0;
	/* What rv_store_write validates: the key file as text, loaded again. */
	saved = g_key_file_to_data(kf, &saved_len, NULL);
	p = profile_load_data(saved, saved_len, NULL);
	if (p) {
		g_auto(GStrv) missing = profile_missing_secrets(p);

		if (!missing)
			abort();
	}
	pub = profile_public_text(kf, &stored);
	check_keys(pub);
	check_secrets(kf, pub);
	return 0;
}
