/*
 * Ip6Config for NetworkManager (see rv-nm-ip6.h). IPv6CP gives a
 * point-to-point link nothing but two interface identifiers: our fe80::IID/64
 * and the peer's. NetworkManager puts ours on the TUN (roadvpnd does not in
 * its NetworkManager mode, and keeps the kernel from making its own).
 */
#include <arpa/inet.h>

#include <NetworkManager.h>

#include "rv-nm-ip6.h"

static GVariant *ip6_bytes(const char *text)
{
	struct in6_addr a;

	if (!text || inet_pton(AF_INET6, text, &a) != 1)
		return NULL;
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, &a, sizeof(a), 1);
}

GVariant *rv_nm_ip6_config(const char *address, const char *peer, gboolean never_default)
{
	GVariant *addr = ip6_bytes(address);
	GVariant *ptp = ip6_bytes(peer);
	GVariantBuilder b;

	if (!addr) {
		if (ptp)
			g_variant_unref(g_variant_ref_sink(ptp));
		return NULL;
	}
	g_variant_builder_init(&b, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS, addr);
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PREFIX,
			      g_variant_new_uint32(64));
	if (ptp)
		g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PTP, ptp);
	g_variant_builder_add(&b, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT,
			      g_variant_new_boolean(never_default));
	return g_variant_builder_end(&b);
}

gboolean rv_nm_ip6_never_default(gboolean ipv4_never_default, gboolean ipv6_never_default)
{
	return ipv4_never_default || ipv6_never_default;
}
