/* Import and export of roadvpn profiles as NetworkManager connections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "rv-nm-import-export.h"
#include "rv-nm-map.h"

static char *write_tmp(const char *text)
{
	g_autoptr(GError) error = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("rv-nm-XXXXXX.conf", &path, &error);

	assert_true(fd >= 0);
	close(fd);
	assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

static const char full[] =
	"[connection]\nname=Office VPN\ngateway=vpn.example.com\nreconnect=false\n"
	"[ipsec]\nauth=psk\npsk=sekrit\npsk-flags=stored\nike=aes256-sha256-modp2048\n"
	"remote-id=vpn.example.com\nforce-encap=true\nallow-legacy=true\n"
	"[l2tp]\nhostname=laptop\n"
	"[ppp]\nuser=alice\npassword-flags=ask\nauth=mschapv2,pap\nmtu=1400\n"
	"[ip]\ndefault-route=false\nroutes=10.0.0.0/8,192.0.2.0/24\ndns=false\n";

static void test_import(void **state)
{
	g_autofree char *path = write_tmp(full);
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = rv_nm_import(path, &error);
	NMSettingVpn *vpn;
	NMSettingIPConfig *ip4;

	unlink(path);
	assert_non_null(c);
	assert_string_equal(nm_connection_get_id(c), "Office VPN");
	assert_non_null(nm_connection_get_uuid(c));
	vpn = nm_connection_get_setting_vpn(c);
	assert_string_equal(nm_setting_vpn_get_service_type(vpn), RV_NM_SERVICE);
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "gateway"), "vpn.example.com");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "reconnect"), "no");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-ike"), "aes256-sha256-modp2048");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-forceencaps"), "yes");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-allow-legacy"), "yes");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "refuse-pap"), "no");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "refuse-chap"), "yes");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-psk-flags"), "0");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "password-flags"), "1");
	assert_string_equal(nm_setting_vpn_get_secret(vpn, "ipsec-psk"), "sekrit");
	ip4 = nm_connection_get_setting_ip4_config(c);
	assert_true(nm_setting_ip_config_get_never_default(ip4));
	assert_true(nm_setting_ip_config_get_ignore_auto_dns(ip4));
	assert_int_equal(nm_setting_ip_config_get_num_routes(ip4), 2);
	assert_string_equal(nm_ip_route_get_dest(nm_setting_ip_config_get_route(ip4, 1)),
			    "192.0.2.0");
	assert_true(nm_connection_verify(c, NULL));
}

static void collect(const char *k, const char *v, gpointer ud)
{
	g_hash_table_insert(ud, g_strdup(k), g_strdup(v));
}

/* Export, import again: the same vpn.data and IPv4 choices, and no secret in the file. */
static void test_round_trip(void **state)
{
	g_autofree char *path = write_tmp(full);
	g_autofree char *out = g_strdup_printf("%s.out", path);
	g_autoptr(NMConnection) a = rv_nm_import(path, NULL);
	g_autoptr(NMConnection) b = NULL;
	g_autoptr(GError) error = NULL;
	g_autoptr(GHashTable) da = rv_nm_table_new();
	g_autoptr(GHashTable) db = rv_nm_table_new();
	g_autofree char *text = NULL;
	GHashTableIter it;
	gpointer k, v;

	assert_non_null(a);
	assert_true(rv_nm_export(out, a, &error));
	assert_true(g_file_get_contents(out, &text, NULL, NULL));
	assert_null(strstr(text, "sekrit"));
	assert_non_null(strstr(text, "name=Office VPN"));
	b = rv_nm_import(out, &error);
	unlink(path);
	unlink(out);
	assert_non_null(b);
	nm_setting_vpn_foreach_data_item(nm_connection_get_setting_vpn(a), collect, da);
	nm_setting_vpn_foreach_data_item(nm_connection_get_setting_vpn(b), collect, db);
	/* Export asks for every secret: the PSK's flags become agent-owned. */
	g_hash_table_insert(da, g_strdup("ipsec-psk-flags"), g_strdup("1"));
	assert_int_equal(g_hash_table_size(da), g_hash_table_size(db));
	g_hash_table_iter_init(&it, da);
	while (g_hash_table_iter_next(&it, &k, &v))
		assert_string_equal(g_hash_table_lookup(db, k), v);
	assert_true(nm_setting_ip_config_get_never_default(nm_connection_get_setting_ip4_config(b)));
	assert_int_equal(nm_setting_ip_config_get_num_routes(nm_connection_get_setting_ip4_config(b)),
			 2);
}

static void expect_import_error(const char *text, const char *needle)
{
	g_autofree char *path = write_tmp(text);
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = rv_nm_import(path, &error);

	unlink(path);
	assert_null(c);
	if (!strstr(error->message, needle))
		fail_msg("error '%s' does not say '%s'", error->message, needle);
}

static void test_bad_files(void **state)
{
	expect_import_error("[connection]\ngateway=gw\n[ppp]\nuser=a\n[ip]\nroutes=10.0.0.0/40\n",
			    "[ip] routes:");
	expect_import_error("[connection]\ngateway=gw\n[ppp]\nuser=a\n[ip]\nroutes=banana\n",
			    "[ip] routes:");
	expect_import_error("[connection]\ngateway=gw\n[ppp]\nuser=a\n[ip]\ndefault-route=2\n",
			    "[ip] default-route:");
	expect_import_error("[connection]\ngateway=gw\n[ppp]\nuser=a\nmru=10\n", "[ppp] mru:");
	expect_import_error("not a key file", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
