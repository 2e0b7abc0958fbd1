/*
 * The Ip6Config NetworkManager gets once roadvpnd says IPv6CP is up
 * (Connection.Ipv6Address / Ipv6PeerAddress): apart from the service so
 * the unit tests build and read it.
 */
#pragma once

#include <glib.h>

/*
 * A floating a{sv} with NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS (our link-local
 * address, as ay), _PREFIX 64, _PTP (the peer, when it is an IPv6 address)
 * and _NEVER_DEFAULT; NULL when address is not an IPv6 address (""
 * before IPv6CP is up).
 */
GVariant *rv_nm_ip6_config(const char *address, const char *peer, gboolean never_default);

/*
 * IPv6's default route through the tunnel only with IPv4's: a connection
 * that keeps IPv4's default route off the VPN (ipv4.never-default, a
 * split tunnel) keeps IPv6's off too, as roadvpnd does with a profile's
 * ip.default-route; ipv6.never-default says no on its own.
 */
gboolean rv_nm_ip6_never_default(gboolean ipv4_never_default, gboolean ipv6_never_default);
