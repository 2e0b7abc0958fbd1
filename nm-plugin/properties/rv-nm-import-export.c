/*
 * Profile file <-> NMConnection (see rv-nm-import-export.h). vpn.data is
 * the table's business; what is left here is the part NetworkManager keeps
 * outside vpn.data: the name and the IPv4 routing and DNS choices. Other
 * platforms' files go through roadvpn's converter (docs/import.md) first,
 * so nm-connection-editor imports them as roadvpn does.
 */
#include <stdlib.h>
#include <string.h>

#include <roadvpn-client/rv-import.h>

#include "rv-nm-import-export.h"
#include "rv-nm-map.h"

#define MAX_PROFILE_SIZE (64 * 1024)

static gboolean ip_invalid(GError **error, const char *key, const char *why)
{
	g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "[ip] %s: %s", key, why);
	return FALSE;
}

static gboolean ip_bool(GKeyFile *kf, const char *key, gboolean dflt, gboolean *ret,
			GError **error)
{
	g_autoptr(GError) local = NULL;

	*ret = dflt;
	if (!g_key_file_has_key(kf, "ip", key, NULL))
		return TRUE;
	*ret = g_key_file_get_boolean(kf, "ip", key, &local);
	return !local || ip_invalid(error, key, "not true or false");
}

static gboolean import_routes(GKeyFile *kf, NMSettingIPConfig *s_ip4, GError **error)
{
	g_autofree char *text = g_key_file_get_string(kf, "ip", "routes", NULL);
	g_auto(GStrv) list = text ? g_strsplit(text, ",", 65) : NULL;

	for (char **r = list; r && *r; r++) {
		g_autoptr(GError) local = NULL;
		NMIPRoute *route;
		char *slash = strchr(g_strstrip(*r), '/');
		guint64 prefix = 32;

		if (!**r)
			continue;
		if (slash) {
			*slash = '\0';
			if (!g_ascii_string_to_unsigned(slash + 1, 10, 0, 32, &prefix, NULL))
				return ip_invalid(error, "routes", "bad prefix length");
		}
		route = nm_ip_route_new(AF_INET, *r, prefix, NULL, -1, &local);
		if (!route)
			return ip_invalid(error, "routes", local->message);
		nm_setting_ip_config_add_route(s_ip4, route);
		nm_ip_route_unref(route);
	}
	return TRUE;
}

static NMSetting *import_ip4(GKeyFile *kf, GError **error)
{
	g_autoptr(NMSetting) s = nm_setting_ip4_config_new();
	gboolean default_route, dns;

	if (!ip_bool(kf, "default-route", TRUE, &default_route, error) ||
	    !ip_bool(kf, "dns", TRUE, &dns, error) ||
	    !import_routes(kf, NM_SETTING_IP_CONFIG(s), error))
		return NULL;
	g_object_set(s, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO,
		     NM_SETTING_IP_CONFIG_NEVER_DEFAULT, !default_route,
		     NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS, !dns, NULL);
	return g_steal_pointer(&s);
}

static NMSetting *import_vpn(GHashTable *data, GHashTable *secrets)
{
	NMSettingVpn *s = NM_SETTING_VPN(nm_setting_vpn_new());
	GHashTableIter it;
	gpointer k, v;

	g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, RV_NM_SERVICE, NULL);
	g_hash_table_iter_init(&it, data);
	while (g_hash_table_iter_next(&it, &k, &v))
		nm_setting_vpn_add_data_item(s, k, v);
	g_hash_table_iter_init(&it, secrets);
	while (g_hash_table_iter_next(&it, &k, &v))
		nm_setting_vpn_add_secret(s, k, v);
	return NM_SETTING(s);
}

static void wipe_free(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* The converter's report, for the journal (it never holds a secret value). */
static void log_report(const struct rv_import_result *r)
{
	char *report = rv_import_report(r);
	g_auto(GStrv) lines = g_strsplit(report ? report : "", "\n", -1);

	for (char **l = lines; *l; l++) {
		if (**l)
			g_message("roadvpn import: %s", *l);
	}
	free(report);
}

/*
 * Another platform's file (NM-l2tp, .pbk, PowerShell, .mobileconfig) as
 * profile text with the secrets it held merged in; *name gets its name.
 */
static char *convert(const char *text, gsize len, char **name, GError **error)
{
	struct rv_import_result *r = NULL;
	char *err = NULL, *out = NULL, *report;

	if (rv_import_data(text, len, NULL, &r, &err) < 0) {
		g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "%s",
			    err ? err : "the file cannot be converted");
		free(err);
		return NULL;
	}
	if (!r->n_conns) {
		report = rv_import_report(r);
		g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID,
			    "no L2TP/IPsec connection could be taken from the file:\n%s",
			    report ? report : "");
		free(report);
	} else {
		log_report(r);
		/* NetworkManager imports one connection per file: the first. */
		out = rv_import_text_with_secrets(&r->conns[0]);
		*name = g_strdup(r->conns[0].name);
		if (!out)
			g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "out of memory");
	}
	rv_import_result_free(r);
	return out;
}

static gboolean too_big(const char *path, gsize len, gsize max, GError **error)
{
	if (len <= max)
		return FALSE;
	g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "%s: larger than %zu KiB", path,
		    max / 1024);
	return TRUE;
}

/* roadvpn's own profile as it is; anything the converter knows through it. */
static GKeyFile *load_profile(const char *path, gboolean *converted, char **name,
			      GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *text = NULL;
	char *profile = NULL;
	gboolean ok;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, error) ||
	    too_big(path, len, RV_IMPORT_MAX_SIZE, error))
		return NULL;
	g_key_file_set_list_separator(kf, ',');
	switch (rv_import_detect(text, len)) {
	case RV_FORMAT_ROADVPN:
	case RV_FORMAT_UNKNOWN:
		*converted = FALSE;
		if (too_big(path, len, MAX_PROFILE_SIZE, error) ||
		    !g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, error))
			return NULL;
		break;
	default:
		*converted = TRUE;
		if (!(profile = convert(text, len, name, error)))
			return NULL;
		ok = g_key_file_load_from_data(kf, profile, strlen(profile), G_KEY_FILE_NONE,
					       error);
		wipe_free(profile);
		if (!ok)
			return NULL;
	}
	return g_steal_pointer(&kf);
}

/*
 * A converted file: a secret it held is saved by NetworkManager; one it
 * did not hold is the user's agent's to ask for, as with NM-l2tp.
 */
static void converted_secret_flags(GHashTable *data, GHashTable *secrets)
{
	g_auto(GStrv) needed = rv_nm_needed_secrets(data);

	for (char **s = needed; *s; s++) {
		char *key = g_strdup_printf("%s-flags", *s);

		if (g_hash_table_contains(secrets, *s))
			g_hash_table_insert(data, key, g_strdup("0"));
		else if (rv_nm_secret_flags(data, *s) == RV_NM_FLAG_NONE)
			g_hash_table_insert(data, key, g_strdup("1"));
		else
			g_free(key);
	}
}

static char *connection_name(GKeyFile *kf, const char *path, const char *source_name)
{
	char *name = g_key_file_get_string(kf, "connection", "name", NULL);
	g_autofree char *base = NULL;

	if (name && *name)
		return name;
	g_free(name);
	if (source_name && *source_name)
		return g_strdup(source_name);
	base = g_path_get_basename(path);
	if (g_str_has_suffix(base, ".conf"))
		base[strlen(base) - 5] = '\0';
	return g_steal_pointer(&base);
}

NMConnection *rv_nm_import(const char *path, GError **error)
{
	gboolean converted = FALSE;
	g_autofree char *source_name = NULL;
	g_autoptr(GKeyFile) kf = load_profile(path, &converted, &source_name, error);
	g_autoptr(GHashTable) secrets = NULL;
	g_autoptr(GHashTable) data = kf ? rv_nm_keyfile_to_data(kf, &secrets, error) : NULL;
	g_autoptr(NMConnection) c = NULL;
	g_autofree char *name = NULL;
	g_autofree char *uuid = NULL;
	NMSetting *s_con, *s_ip4;

	if (!data || !(s_ip4 = import_ip4(kf, error)))
		return NULL;
	if (converted)
		converted_secret_flags(data, secrets);
	name = connection_name(kf, path, source_name);
	uuid = nm_utils_uuid_generate();
	s_con = nm_setting_connection_new();
	g_object_set(s_con, NM_SETTING_CONNECTION_ID, name, NM_SETTING_CONNECTION_UUID, uuid,
		     NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME, NULL);
	c = nm_simple_connection_new();
	nm_connection_add_setting(c, s_con);
	nm_connection_add_setting(c, import_vpn(data, secrets));
	nm_connection_add_setting(c, s_ip4);
	return g_steal_pointer(&c);
}

/* Export ------------------------------------------------------------------- */

static void export_ip4(GKeyFile *kf, NMConnection *connection)
{
	NMSettingIPConfig *s = nm_connection_get_setting_ip4_config(connection);
	g_autoptr(GPtrArray) routes = g_ptr_array_new_with_free_func(g_free);

	if (!s)
		return;
	if (nm_setting_ip_config_get_never_default(s))
		g_key_file_set_boolean(kf, "ip", "default-route", FALSE);
	if (nm_setting_ip_config_get_ignore_auto_dns(s))
		g_key_file_set_boolean(kf, "ip", "dns", FALSE);
	for (guint i = 0; i < nm_setting_ip_config_get_num_routes(s); i++) {
		NMIPRoute *r = nm_setting_ip_config_get_route(s, i);

		g_ptr_array_add(routes, g_strdup_printf("%s/%u", nm_ip_route_get_dest(r),
							nm_ip_route_get_prefix(r)));
	}
	if (routes->len) {
		g_autofree char *list = NULL;

		g_ptr_array_add(routes, NULL);
		list = g_strjoinv(",", (char **)routes->pdata);
		g_key_file_set_string(kf, "ip", "routes", list);
	}
}

static void collect_item(const char *key, const char *value, gpointer user_data)
{
	g_hash_table_insert(user_data, g_strdup(key), g_strdup(value));
}

gboolean rv_nm_export(const char *path, NMConnection *connection, GError **error)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	g_autoptr(GHashTable) data = rv_nm_table_new();
	g_autoptr(GKeyFile) kf = NULL;
	g_autofree char *text = NULL;

	if (!s_vpn) {
		g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "not a VPN connection");
		return FALSE;
	}
	nm_setting_vpn_foreach_data_item(s_vpn, collect_item, data);
	kf = rv_nm_data_to_keyfile(data, error);
	if (!kf)
		return FALSE;
	g_key_file_set_string(kf, "connection", "name", nm_connection_get_id(connection));
	export_ip4(kf, connection);
	text = g_key_file_to_data(kf, NULL, NULL);
	/* mode 0600: a profile may later be given secrets by its owner */
	return g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
					error);
}
