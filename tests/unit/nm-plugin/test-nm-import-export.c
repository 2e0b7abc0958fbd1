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

/* NetworkManager-l2tp's own keyfile, secrets in it (NM 1.42 `nmcli connection add`). */
static const char nm_l2tp[] =
	"[connection]\nid=Office L2TP\ntype=vpn\n"
	"[vpn]\nservice-type=org.freedesktop.NetworkManager.l2tp\ngateway=vpn.example.com\n"
	"user=alice\nipsec-enabled=yes\nipsec-psk-flags=0\npassword-flags=0\n"
	"ipsec-ike=aes256-sha1-modp2048\nrefuse-chap=yes\nrequire-mppe=yes\n"
	"[vpn-secrets]\nipsec-psk=nm-psk\npassword=nm-password\n"
	"[ipv4]\nmethod=auto\nnever-default=true\nroute1=203.0.113.0/24\n";

/* An Apple profile without its secrets: the user's agent is to ask for them. */
static const char mobileconfig[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<plist version=\"1.0\"><dict>\n"
	"<key>PayloadContent</key><array><dict>\n"
	"<key>PayloadType</key><string>com.apple.vpn.managed</string>\n"
	"<key>UserDefinedName</key><string>Office (iPhone)</string>\n"
	"<key>VPNType</key><string>L2TP</string>\n"
	"<key>PPP</key><dict><key>CommRemoteAddress</key><string>gw.example.org</string>\n"
	"<key>AuthName</key><string>bob</string></dict>\n"
	"<key>IPSec</key><dict><key>AuthenticationMethod</key><string>SharedSecret</string>"
	"</dict>\n</dict></array>\n"
	"<key>PayloadType</key><string>Configuration</string>\n"
	"</dict></plist>\n";

static NMSettingVpn *import_ok(const char *text, NMConnection **c)
{
	g_autofree char *path = write_tmp(text);
	g_autoptr(GError) error = NULL;

	*c = rv_nm_import(path, &error);
	unlink(path);
	if (!*c)
		fail_msg("import failed: %s", error->message);
	assert_true(nm_connection_verify(*c, NULL));
	return nm_connection_get_setting_vpn(*c);
}

/* Secrets the file held are saved with the connection (flags 0). */
static void test_import_nm_l2tp(void **state)
{
	g_autoptr(NMConnection) c = NULL;
	NMSettingVpn *vpn = import_ok(nm_l2tp, &c);

	assert_string_equal(nm_connection_get_id(c), "Office L2TP");
	assert_string_equal(nm_setting_vpn_get_service_type(vpn), RV_NM_SERVICE);
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "gateway"), "vpn.example.com");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "user"), "alice");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-ike"),
			    "aes256-sha1-modp2048");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-psk-flags"), "0");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "password-flags"), "0");
	assert_string_equal(nm_setting_vpn_get_secret(vpn, "ipsec-psk"), "nm-psk");
	assert_string_equal(nm_setting_vpn_get_secret(vpn, "password"), "nm-password");
	assert_true(nm_setting_ip_config_get_never_default(nm_connection_get_setting_ip4_config(c)));
}

/* Secrets the file lacks are agent-owned (flags 1), none made up. */
static void test_import_mobileconfig(void **state)
{
	g_autoptr(NMConnection) c = NULL;
	NMSettingVpn *vpn = import_ok(mobileconfig, &c);

	assert_string_equal(nm_connection_get_id(c), "Office (iPhone)");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "gateway"), "gw.example.org");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "user"), "bob");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "ipsec-psk-flags"), "1");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "password-flags"), "1");
	assert_int_equal(nm_setting_vpn_get_num_secrets(vpn), 0);
}

/*
 * A Windows phonebook names no user: the connection is imported without one
 * (the editor asks for it), the PSK and password agent-owned.
 */
static void test_import_pbk_without_user(void **state)
{
	g_autoptr(NMConnection) c = NULL;
	NMSettingVpn *vpn = import_ok("[Office VPN]\r\nType=2\r\nVpnStrategy=3\r\n"
				      "IpSecFlags=1\r\n\r\nDEVICE=vpn\r\n"
				      "PhoneNumber=vpn.example.com\r\n",
				      &c);

	assert_string_equal(nm_connection_get_id(c), "Office VPN");
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "gateway"), "vpn.example.com");
	assert_null(nm_setting_vpn_get_data_item(vpn, "user"));
	assert_string_equal(nm_setting_vpn_get_data_item(vpn, "password-flags"), "1");
}

/* Nothing mappable: the error carries the converter's report. */
static void test_import_nothing_mapped(void **state)
{
	expect_import_error("[Only IKEv2]\r\nType=2\r\nVpnStrategy=7\r\n\r\nDEVICE=vpn\r\n"
			    "PhoneNumber=ikev2.example\r\n",
			    "IKEv2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_import_nm_l2tp),
		cmocka_unit_test(test_import_mobileconfig),
		cmocka_unit_test(test_import_pbk_without_user),
		cmocka_unit_test(test_import_nothing_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
