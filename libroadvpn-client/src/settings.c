/*
 * The profile settings table (see rvc-settings.h). Defaults and ranges are
 * roadvpnd's (client-core/src/profile/profile.c); the NetworkManager names
 * are NM-l2tp's where a key means the same there (gateway, user,
 * ipsec-remote-id, ipsec-forceencaps, mtu, ...), so an NM-l2tp user finds
 * them, and ours where it has none (ipsec-allow-legacy, ...).
 */
#include <string.h>

#include "private.h"

static const char *const ipsec_auths[] = { "psk", "cert", NULL };
static const char *const ipsec_auth_labels[] = { N_("Pre-shared key"), N_("Certificate"), NULL };
static const char *const ike_modes[] = { "main", "aggressive", NULL };
static const char *const ike_mode_labels[] = { N_("Main Mode"), N_("Aggressive Mode (weaker)"),
					       NULL };
static const char *const ppp_auths[] = { "mschapv2", "chap", "pap", NULL };
static const char *const ppp_auth_labels[] = { N_("MS-CHAPv2"), N_("CHAP (MD5)"),
					       N_("PAP (password in clear)"), NULL };
static const char *const ipv6_modes[] = { "auto", "off", NULL };
static const char *const ipv6_labels[] = { N_("Automatic"), N_("Off"), NULL };
static const char *const secret_flags[] = { "stored", "ask", NULL };

#define ROW(g, k, t, ...) { .group = g, .key = k, .type = t, __VA_ARGS__ }
#define FLAGS(g, k, hlp, ...) \
	ROW(g, k, RVC_SETTING_FLAGS, .default_value = "stored", .choices = secret_flags, \
	    .help = hlp, .option = k, __VA_ARGS__)

static const RvcSetting settings[] = {
	/* [connection] */
	ROW("connection", "gateway", RVC_SETTING_HOST, .required = TRUE, .label = N_("_Gateway"),
	    .help = N_("Gateway host name or IPv4 address"), .nm_key = "gateway",
	    .option = "gateway", .value_name = "HOST"),
	ROW("connection", "reconnect", RVC_SETTING_BOOL, .default_value = "true",
	    .label = N_("_Reconnect automatically"),
	    .help = N_("Reconnect on its own when a connection that was up is lost"),
	    .nm_key = "reconnect", .option = "reconnect"),
	ROW("connection", "allowed-users", RVC_SETTING_TEXT, .label = N_("Allowed _users"),
	    .help = N_("Users who may connect it, e.g. alice,bob (default: any user polkit allows)"),
	    .placeholder = N_("Everyone"), .option = "allowed-users", .value_name = "USERS"),
	ROW("connection", "interface", RVC_SETTING_TEXT, .default_value = "rvpn%d",
	    .label = N_("_Interface name"), .help = N_("TUN device name (default rvpn%d)"),
	    .option = "interface", .value_name = "NAME"),

	/* [ipsec] */
	ROW("ipsec", "enabled", RVC_SETTING_BOOL, .default_value = "true",
	    .label = N_("_Encrypt with IPsec"), .help = N_("IPsec (false: plain L2TP, not encrypted)"),
	    .nm_key = "ipsec-enabled", .option = "ipsec"),
	ROW("ipsec", "auth", RVC_SETTING_CHOICE, .default_value = "psk", .choices = ipsec_auths,
	    .choice_labels = ipsec_auth_labels, .label = N_("_Authentication"),
	    .help = N_("IKE authentication"), .nm_key = "machine-auth-type", .option = "ipsec-auth"),
	ROW("ipsec", "mode", RVC_SETTING_CHOICE, .default_value = "main", .choices = ike_modes,
	    .choice_labels = ike_mode_labels, .label = N_("IKE _mode"),
	    .help = N_("IKE phase 1 mode (aggressive exposes the PSK to offline cracking)"),
	    .nm_key = "ipsec-mode", .option = "ipsec-mode"),
	ROW("ipsec", "local-id", RVC_SETTING_TEXT, .label = N_("_Local identity"),
	    .help = N_("Our IKE identity"), .placeholder = N_("This computer's address"),
	    .nm_key = "ipsec-local-id", .option = "local-id", .value_name = "ID"),
	ROW("ipsec", "psk", RVC_SETTING_SECRET, .label = N_("Pre-shared _key"),
	    .help = N_("The group secret of the gateway"), .flags_key = "psk-flags",
	    .secret_kind = "psk", .nm_key = "ipsec-psk"),
	FLAGS("ipsec", "psk-flags", N_("Store the PSK, or ask at connect time"),
	      .nm_key = "ipsec-psk-flags"),
	ROW("ipsec", "ike", RVC_SETTING_PROPOSALS, .label = N_("_Phase 1 proposals"),
	    .help = N_("IKE proposals, e.g. aes256-sha256-modp2048"),
	    .placeholder = N_("Built-in list"), .nm_key = "ipsec-ike", .option = "ike",
	    .value_name = "PROPOSALS"),
	ROW("ipsec", "esp", RVC_SETTING_PROPOSALS, .label = N_("Phase _2 proposals"),
	    .help = N_("ESP proposals, e.g. aes256-sha256"), .placeholder = N_("Built-in list"),
	    .nm_key = "ipsec-esp", .option = "esp", .value_name = "PROPOSALS"),
	ROW("ipsec", "pfs", RVC_SETTING_PROPOSALS, .label = N_("Perfect _forward secrecy"),
	    .help = N_("Perfect forward secrecy group: none, modp2048, ..."),
	    .placeholder = N_("As the gateway proposes"), .nm_key = "ipsec-pfs-group",
	    .option = "pfs", .value_name = "GROUP"),
	/* Off, a gateway that accepts only legacy suites fails, and the failure names it. */
	ROW("ipsec", "allow-legacy", RVC_SETTING_BOOL, .default_value = "false",
	    .label = N_("Allow legac_y suites (weak)"),
	    .help = N_("Let the automatic proposals use 3DES, MD5 and MODP1024 (DH group 2). These "
		       "suites are weak: only for an old gateway that accepts nothing else"),
	    .nm_key = "ipsec-allow-legacy", .option = "allow-legacy"),
	ROW("ipsec", "ca", RVC_SETTING_FILE, .label = N_("_CA certificate"),
	    .help = N_("CA certificate(s) the gateway's must chain to (PEM)"), .nm_key = "machine-ca",
	    .option = "ca", .value_name = "FILE"),
	ROW("ipsec", "cert", RVC_SETTING_FILE, .label = N_("_Certificate"),
	    .help = N_("Our certificate: PEM, or a PKCS#12 bundle (.p12/.pfx) holding the key too"),
	    .nm_key = "machine-cert", .option = "cert", .value_name = "FILE"),
	ROW("ipsec", "key", RVC_SETTING_FILE, .label = N_("Private _key"),
	    .help = N_("Your RSA key (PEM); not needed with a PKCS#12 bundle"),
	    .nm_key = "machine-key", .option = "key", .value_name = "FILE"),
	ROW("ipsec", "key-password", RVC_SETTING_SECRET, .label = N_("Key pa_ssword"),
	    .help = N_("Password of the PKCS#12 bundle or encrypted key"),
	    .flags_key = "key-password-flags", .secret_kind = "key-password",
	    .nm_key = "machine-certpass"),
	FLAGS("ipsec", "key-password-flags", N_("Store the key's password, or ask at connect time")),
	ROW("ipsec", "remote-id", RVC_SETTING_TEXT, .label = N_("_Gateway identity"),
	    .help = N_("Expected gateway identity (dn:..., fqdn:..., ipv4:..., email:...)"),
	    .placeholder = N_("The gateway's name"), .nm_key = "ipsec-remote-id",
	    .option = "remote-id", .value_name = "ID"),
	ROW("ipsec", "allow-wildcard", RVC_SETTING_BOOL, .default_value = "false",
	    .label = N_("Accept _wildcard certificate"),
	    .help = N_("Accept a *.example.net name in the gateway's certificate"),
	    .nm_key = "ipsec-allow-wildcard", .option = "allow-wildcard"),
	ROW("ipsec", "force-encap", RVC_SETTING_BOOL, .default_value = "false",
	    .label = N_("_Always use UDP encapsulation"),
	    .help = N_("UDP-encapsulate ESP even without NAT"), .nm_key = "ipsec-forceencaps",
	    .option = "force-encap"),
	ROW("ipsec", "nat-traversal", RVC_SETTING_BOOL, .default_value = "true",
	    .label = N_("_NAT traversal"), .help = N_("NAT traversal (false: raw ESP only)"),
	    .nm_key = "ipsec-nat-traversal", .option = "nat-traversal"),
	ROW("ipsec", "ike-lifetime", RVC_SETTING_NUMBER, .default_value = "28800", .min = 60,
	    .max = 86400, .label = N_("IKE l_ifetime (s)"),
	    .help = N_("Seconds proposed for the IKE SA"), .nm_key = "ipsec-ikelifetime",
	    .option = "ike-lifetime", .value_name = "SECONDS"),
	ROW("ipsec", "esp-lifetime", RVC_SETTING_NUMBER, .default_value = "3600", .min = 10,
	    .max = 86400, .label = N_("ESP lif_etime (s)"),
	    .help = N_("Seconds proposed for each ESP SA"), .nm_key = "ipsec-salifetime",
	    .option = "esp-lifetime", .value_name = "SECONDS"),
	ROW("ipsec", "dpd-delay", RVC_SETTING_NUMBER, .default_value = "30", .min = 1, .max = 3600,
	    .label = N_("_Dead peer detection (s)"),
	    .help = N_("Seconds of silence before the gateway is probed"), .nm_key = "ipsec-dpd-delay",
	    .option = "dpd-delay", .value_name = "SECONDS"),

	/* [l2tp] */
	ROW("l2tp", "hostname", RVC_SETTING_TEXT, .default_value = "roadvpn",
	    .label = N_("L2TP _host name"), .help = N_("Our L2TP host name"),
	    .nm_key = "l2tp-hostname", .option = "l2tp-hostname", .value_name = "NAME"),
	ROW("l2tp", "secret", RVC_SETTING_SECRET, .label = N_("L2TP tunnel _secret"),
	    .help = N_("Only if the gateway asks for tunnel authentication"),
	    .placeholder = N_("None"), .secret_kind = "l2tp-secret", .nm_key = "l2tp-secret"),

	/* [ppp] */
	ROW("ppp", "user", RVC_SETTING_TEXT, .required = TRUE, .label = N_("_User name"),
	    .help = N_("PPP user name"), .nm_key = "user", .option = "user", .value_name = "USER"),
	ROW("ppp", "password", RVC_SETTING_SECRET, .label = N_("_Password"),
	    .help = N_("Asked when you connect (and can be remembered in your keyring), or stored "
		       "in the profile for every user of this computer"),
	    .flags_key = "password-flags", .secret_kind = "password", .nm_key = "password"),
	FLAGS("ppp", "password-flags", N_("Store the password, or ask at connect time"),
	      .nm_key = "password-flags"),
	/* NetworkManager has one refuse-X key per method instead (nm-plugin/shared). */
	ROW("ppp", "auth", RVC_SETTING_LIST, .default_value = "mschapv2,chap", .choices = ppp_auths,
	    .choice_labels = ppp_auth_labels, .label = N_("_Methods"),
	    .help = N_("PPP authentication, strongest first: mschapv2,chap,pap"), .option = "auth",
	    .value_name = "METHODS"),
	ROW("ppp", "mtu", RVC_SETTING_NUMBER, .default_value = "1400", .min = 576, .max = 1500,
	    .label = N_("_MTU"), .help = N_("Largest packet sent"), .nm_key = "mtu",
	    .option = "mtu", .value_name = "BYTES"),
	ROW("ppp", "mru", RVC_SETTING_NUMBER, .default_value = "1400", .min = 576, .max = 1500,
	    .label = N_("M_RU"), .help = N_("Largest packet received"), .nm_key = "mru",
	    .option = "mru", .value_name = "BYTES"),

	/* [ip] */
	ROW("ip", "default-route", RVC_SETTING_BOOL, .default_value = "true",
	    .label = N_("Send _all traffic through the VPN"),
	    .help = N_("Full tunnel (false: only the split-tunnel routes go through it)"),
	    .option = "default-route"),
	ROW("ip", "routes", RVC_SETTING_TEXT, .label = N_("_Networks"),
	    .help = N_("Split-tunnel routes, e.g. 10.0.0.0/8,192.0.2.0/24"), .option = "routes",
	    .value_name = "NETWORKS"),
	ROW("ip", "dns", RVC_SETTING_BOOL, .default_value = "true",
	    .label = N_("Use the gateway's _DNS servers"),
	    .help = N_("Names are resolved by the VPN's servers while connected"), .option = "dns"),
	ROW("ip", "ipv6", RVC_SETTING_CHOICE, .default_value = "auto", .choices = ipv6_modes,
	    .choice_labels = ipv6_labels, .label = N_("IPv_6"), .help = N_("Negotiate IPv6"),
	    .nm_key = "ipv6", .option = "ipv6"),
	ROW("ip", "kill-switch", RVC_SETTING_BOOL, .default_value = "false",
	    .label = N_("Block traffic outside the VPN (_kill switch)"),
	    .help = N_("While the profile connects, is up or reconnects, nothing leaves this "
		       "computer except through the VPN"),
	    .option = "kill-switch"),
	/* roadvpnd refuses allow-lan without kill-switch. */
	ROW("ip", "allow-lan", RVC_SETTING_BOOL, .default_value = "false",
	    .label = N_("Allow _local network"),
	    .help = N_("With the kill switch: printers, shares and other machines on this network "
		       "stay reachable"),
	    .option = "allow-lan"),

	/* [debug] */
	ROW("debug", "log", RVC_SETTING_TEXT, .label = N_("_Debug log"),
	    .help = N_("Debug log components: l2tp,ppp,net,session,all"), .placeholder = N_("None"),
	    .option = "debug-log", .value_name = "COMPONENTS"),
};

const RvcSetting *rvc_settings(gsize *n)
{
	*n = G_N_ELEMENTS(settings);
	return settings;
}

const RvcSetting *rvc_setting_find(const char *group, const char *key)
{
	for (gsize i = 0; group && key && i < G_N_ELEMENTS(settings); i++) {
		if (!strcmp(settings[i].group, group) && !strcmp(settings[i].key, key))
			return &settings[i];
	}
	return NULL;
}

gboolean rvc_setting_is_secret(const char *group, const char *key)
{
	const RvcSetting *s = rvc_setting_find(group, key);

	return s && s->type == RVC_SETTING_SECRET;
}

const char *rvc_setting_text(const char *msgid)
{
	return msgid ? rvc_gettext(msgid) : NULL;
}

char *rvc_setting_text_plain(const char *msgid)
{
	g_autoptr(GString) label = g_string_new(rvc_setting_text(msgid));

	/* The mnemonic: "_Gateway", or CJK's "网关(_G)". */
	if (label->len >= 4 && label->str[label->len - 1] == ')' &&
	    label->str[label->len - 4] == '(' && label->str[label->len - 3] == '_')
		g_string_truncate(label, label->len - 4);
	g_string_replace(label, "_", "", 0);
	return g_string_free(g_steal_pointer(&label), FALSE);
}
