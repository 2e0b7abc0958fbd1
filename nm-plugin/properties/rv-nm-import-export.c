/*
 * Profile file <-> NMConnection (see rv-nm-import-export.h). vpn.data is
 * the table's business; what is left here is the part NetworkManager keeps
 * outside vpn.data: the name and the IPv4 routing and DNS choices.
 */
#include <string.h>

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

static GKeyFile *load_profile(const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autofree char *text = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, error))
		return NULL;
	if (len > MAX_PROFILE_SIZE) {
		g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "%s: larger than 64 KiB", path);
		return NULL;
	}
	g_key_file_set_list_separator(kf, ',');
	if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, error))
		return NULL;
	return g_steal_pointer(&kf);
}

static char *connection_name(GKeyFile *kf, const char *path)
{
	char *name = g_key_file_get_string(kf, "connection", "name", NULL);
	g_autofree char *base = NULL;

	if (name && *name)
		return name;
	g_free(name);
	base = g_path_get_basename(path);
	if (g_str_has_suffix(base, ".conf"))
		base[strlen(base) - 5] = '\0';
	return g_steal_pointer(&base);
}

NMConnection *rv_nm_import(const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = load_profile(path, error);
	g_autoptr(GHashTable) secrets = NULL;
	g_autoptr(GHashTable) data = kf ? rv_nm_keyfile_to_data(kf, &secrets, error) : NULL;
	g_autoptr(NMConnection) c = NULL;
	g_autofree char *name = NULL;
	g_autofree char *uuid = NULL;
	NMSetting *s_con, *s_ip4;

	if (!data || !(s_ip4 = import_ip4(kf, error)))
		return NULL;
	name = connection_name(kf, path);
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
