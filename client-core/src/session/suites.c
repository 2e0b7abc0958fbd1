/*
 * The remembered IPsec suites (suites.h). The file is a small key file
 * written atomically, mode 0600 (it names the gateway):
 *
 *   [suites]
 *   gateway=vpn.example.net
 *   ike=3des-sha1-modp1024
 *   esp=aes256-sha1
 *
 * Its values are only hints: ike/ ignores one that does not parse or is a
 * legacy suite the profile no longer allows, and a file for another gateway
 * is ignored.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "suites.h"
#include "util/log.h"

#define GROUP "suites"

/* Proposal syntax only: letters, digits and '-'. */
static bool copy_suite(char *out, size_t size, const char *v)
{
	size_t n = v ? strlen(v) : 0;

	if (!n || n >= size || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return false;
	memcpy(out, v, n + 1);
	return true;
}

static void load(struct session_suites *ss)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *gw = NULL, *ike = NULL, *esp = NULL;

	if (!g_key_file_load_from_file(kf, ss->path, G_KEY_FILE_NONE, NULL))
		return;
	gw = g_key_file_get_string(kf, GROUP, "gateway", NULL);
	ike = g_key_file_get_string(kf, GROUP, "ike", NULL);
	esp = g_key_file_get_string(kf, GROUP, "esp", NULL);
	if (!gw || strlen(gw) >= sizeof(ss->gateway))
		return;
	if (!copy_suite(ss->ike, sizeof(ss->ike), ike))
		ss->ike[0] = 0;
	if (!copy_suite(ss->esp, sizeof(ss->esp), esp))
		ss->esp[0] = 0;
	g_strlcpy(ss->gateway, gw, sizeof(ss->gateway));
}

void session_suites_init(struct session_suites *ss, const char *path)
{
	*ss = (struct session_suites){ .path = g_strdup(path) };
	if (path)
		load(ss);
}

void session_suites_destroy(struct session_suites *ss)
{
	g_clear_pointer(&ss->path, g_free);
}

static bool is_for(const struct session_suites *ss, const char *gateway)
{
	return gateway && !strcmp(ss->gateway, gateway);
}

const char *session_suites_ike(const struct session_suites *ss, const char *gateway)
{
	return is_for(ss, gateway) && ss->ike[0] ? ss->ike : NULL;
}

const char *session_suites_esp(const struct session_suites *ss, const char *gateway)
{
	return is_for(ss, gateway) && ss->esp[0] ? ss->esp : NULL;
}

static void save(const struct session_suites *ss)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_path_get_dirname(ss->path), *data = NULL;
	gsize len;

	g_key_file_set_string(kf, GROUP, "gateway", ss->gateway);
	g_key_file_set_string(kf, GROUP, "ike", ss->ike);
	g_key_file_set_string(kf, GROUP, "esp", ss->esp);
	data = g_key_file_to_data(kf, &len, NULL);
	if (g_mkdir_with_parents(dir, 0700) < 0 ||
	    !g_file_set_contents_full(ss->path, data, (gssize)len,
				      G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
		rv_log_warning("session", "cannot remember the IPsec suites in %s: %s", ss->path,
			       error ? error->message : g_strerror(errno));
}

void session_suites_note(struct session_suites *ss, const char *gateway, const char *ike,
			 const char *esp)
{
	struct session_suites now = { .path = ss->path };

	if (!gateway || strlen(gateway) >= sizeof(now.gateway) ||
	    !copy_suite(now.ike, sizeof(now.ike), ike) ||
	    !copy_suite(now.esp, sizeof(now.esp), esp))
		return;
	g_strlcpy(now.gateway, gateway, sizeof(now.gateway));
	if (!strcmp(now.gateway, ss->gateway) && !strcmp(now.ike, ss->ike) &&
	    !strcmp(now.esp, ss->esp))
		return;
	*ss = now;
	rv_log_info("session", "remembering IPsec suites %s / %s for the next connect", ss->ike,
		    ss->esp);
	if (ss->path)
		save(ss);
}
