/*
 * Fuzz the vpn.data <-> profile table. The input is read two ways: as
 * vpn.data lines "key=value" (what NetworkManager hands the service) and
 * as a profile key file (what import reads). Whatever is accepted must
 * convert back and be accepted again once it has the user the editor asks
 * for: the table never produces a value it would itself reject.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "rv-nm-map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static GHashTable *lines_to_data(const char *text)
{
	GHashTable *d = rv_nm_table_new();
	g_auto(GStrv) lines = g_strsplit(text, "\n", 64);

	for (char **l = lines; *l; l++) {
		char *eq = strchr(*l, '=');

		if (eq)
			g_hash_table_insert(d, g_strndup(*l, eq - *l), g_strdup(eq + 1));
	}
	return d;
}

static void from_data(const char *text)
{
	g_autoptr(GHashTable) d = lines_to_data(text);
	g_autoptr(GKeyFile) kf = rv_nm_data_to_keyfile(d, NULL);
	g_autoptr(GHashTable) back = NULL;
	g_auto(GStrv) needed = rv_nm_needed_secrets(d);

	if (!kf)
		return;
	back = rv_nm_keyfile_to_data(kf, NULL, NULL);
	if (!back)
		__builtin_trap();
}

static void from_keyfile(const char *text, size_t len)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GHashTable) d = NULL;
	g_autoptr(GHashTable) secrets = NULL;
	g_autoptr(GKeyFile) again = NULL;

	g_key_file_set_list_separator(kf, ',');
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, NULL))
		return;
	d = rv_nm_keyfile_to_data(kf, &secrets, NULL);
	if (!d)
		return;
	/* Import takes a profile without a user (.pbk and PowerShell files name
	 * none); the editor asks for it before the connection can be used. */
	if (!g_hash_table_contains(d, "user"))
		g_hash_table_insert(d, g_strdup("user"), g_strdup("fuzz"));
	again = rv_nm_data_to_keyfile(d, NULL);
	if (!again)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = NULL;

	if (size > 8192)
		return 0;
	text = g_strndup((const char *)data, size);
	from_data(text);
	from_keyfile(text, strlen(text));
	return 0;
}
