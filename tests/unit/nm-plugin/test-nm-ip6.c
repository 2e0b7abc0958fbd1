/*
 * The Ip6Config nm-roadvpn-service sends NetworkManager once IPv6CP is up:
 * what roadvpnd's Ipv6Address / Ipv6PeerAddress say, in NetworkManager's
 * key names and types (a wrong type is silently ignored by NetworkManager,
 * so the types are what matters here).
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <NetworkManager.h>

#include "rv-nm-ip6.h"

static GVariant *config(const char *address, const char *peer)
{
	GVariant *v = rv_nm_ip6_config(address, peer, TRUE);

	return v ? g_variant_ref_sink(v) : NULL;
}

/* The ay under key, as text, or NULL when missing or not 16 bytes. */
static char *addr_of(GVariant *dict, const char *key)
{
	g_autoptr(GVariant) v = g_variant_lookup_value(dict, key, G_VARIANT_TYPE_BYTESTRING);
	char text[INET6_ADDRSTRLEN];
	gsize n = 0;
	const void *bytes = v ? g_variant_get_fixed_array(v, &n, 1) : NULL;

	if (!bytes || n != 16)
		return NULL;
	return g_strdup(inet_ntop(AF_INET6, bytes, text, sizeof(text)));
}

static void test_full(void **state)
{
	g_autoptr(GVariant) c = config("fe80::cb00:7101:0:0", "fe80::cb00:7101:0:1");
	g_autofree char *addr = NULL, *ptp = NULL;
	guint32 prefix = 0;
	gboolean never_default = FALSE;

	assert_non_null(c);
	assert_true(g_variant_is_of_type(c, G_VARIANT_TYPE_VARDICT));
	addr = addr_of(c, NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS);
	ptp = addr_of(c, NM_VPN_PLUGIN_IP6_CONFIG_PTP);
	assert_string_equal(addr, "fe80::cb00:7101:0:0");
	assert_string_equal(ptp, "fe80::cb00:7101:0:1");
	assert_true(g_variant_lookup(c, NM_VPN_PLUGIN_IP6_CONFIG_PREFIX, "u", &prefix));
	assert_int_equal(prefix, 64);
	assert_true(g_variant_lookup(c, NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT, "b",
				     &never_default));
	assert_true(never_default);
	/* Nothing NetworkManager would take as a route or DNS server of ours. */
	assert_false(g_variant_lookup(c, NM_VPN_PLUGIN_IP6_CONFIG_ROUTES, "*", NULL));
	assert_false(g_variant_lookup(c, NM_VPN_PLUGIN_IP6_CONFIG_DNS, "*", NULL));
	assert_false(g_variant_lookup(c, NM_VPN_PLUGIN_IP6_CONFIG_INT_GATEWAY, "*", NULL));
}

/* A peer roadvpnd did not give (or garbage): the address alone. */
static void test_no_peer(void **state)
{
	const char *peers[] = { "", NULL, "203.0.113.1", "fe80::zz" };

	for (size_t i = 0; i < G_N_ELEMENTS(peers); i++) {
		g_autoptr(GVariant) c = config("fe80::1", peers[i]);
		g_autofree char *addr = NULL;

		assert_non_null(c);
		addr = addr_of(c, NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS);
		assert_string_equal(addr, "fe80::1");
		assert_null(g_variant_lookup_value(c, NM_VPN_PLUGIN_IP6_CONFIG_PTP, NULL));
	}
}

/* Before IPv6CP is up (or from an older roadvpnd): no Ip6Config at all. */
static void test_not_up(void **state)
{
	const char *addrs[] = { "", NULL, "203.0.113.1", "fe80::1/64", "fe80:::1" };

	for (size_t i = 0; i < G_N_ELEMENTS(addrs); i++)
		assert_null(rv_nm_ip6_config(addrs[i], "fe80::2", TRUE));
}

/* A full tunnel may take IPv6's default route; a split one, or ipv6.never-default, not. */
static void test_never_default(void **state)
{
	g_autoptr(GVariant) c = g_variant_ref_sink(rv_nm_ip6_config("fe80::1", "fe80::2", FALSE));
	gboolean never_default = TRUE;

	assert_true(g_variant_lookup(c, NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT, "b",
				     &never_default));
	assert_false(never_default);
	assert_false(rv_nm_ip6_never_default(FALSE, FALSE));
	assert_true(rv_nm_ip6_never_default(TRUE, FALSE));
	assert_true(rv_nm_ip6_never_default(FALSE, TRUE));
	assert_true(rv_nm_ip6_never_default(TRUE, TRUE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_no_peer),
		cmocka_unit_test(test_not_up),
		cmocka_unit_test(test_never_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
