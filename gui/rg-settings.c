/*
 * The profile settings table. Its order is the order of the fields in the
 * editor; its checks mirror roadvpnd's profile rules for what can be judged
 * without the helper (syntax and ranges), so Save is enabled only for a form
 * the helper will accept for those reasons.
 */
#include <arpa/inet.h>
#include <string.h>

#include "rg-settings.h"

static const char *const ipsec_auths[] = { "psk", "cert", NULL };
static const char *const ipsec_auth_labels[] = { "Pre-shared key", "Certificate", NULL };
static const char *const ike_modes[] = { "main", "aggressive", NULL };
static const char *const ike_mode_labels[] = { "Main Mode", "Aggressive Mode (weaker)", NULL };
static const char *const ppp_auths[] = { "mschapv2", "chap", "pap", NULL };
static const char *const ppp_auth_labels[] = { "MS-CHAPv2", "CHAP (MD5)", "PAP (password in clear)",
					       NULL };
static const char *const ipv6_modes[] = { "auto", "off", NULL };
static const char *const ipv6_labels[] = { "Automatic", "Off", NULL };

static bool all_chars(const char *s, const char *extra)
{
	for (; *s; s++) {
		if (!g_ascii_isalnum(*s) && !strchr(extra, *s))
			return false;
	}
	return true;
}

const char *rg_check_profile_name(const char *value)
{
	size_t n = strlen(value);

	if (n == 0)
		return "a name is needed";
	if (n > 64)
		return "at most 64 characters";
	if (value[0] == '.')
		return "cannot start with a dot";
	if (!all_chars(value, "._-"))
		return "only letters, digits, '.', '_' and '-'";
	return NULL;
}

static bool is_ipv4(const char *s)
{
	struct in_addr a;

	return inet_pton(AF_INET, s, &a) == 1;
}

const char *rg_check_host(const char *value)
{
	g_auto(GStrv) labels = NULL;

	if (is_ipv4(value))
		return NULL;
	if (strlen(value) > 253 || !all_chars(value, ".-"))
		return "not a host name or IPv4 address";
	labels = g_strsplit(value, ".", -1);
	for (char **l = labels; *l; l++) {
		size_t n = strlen(*l);

		if (n == 0 || n > 63 || (*l)[0] == '-' || (*l)[n - 1] == '-')
			return "not a host name or IPv4 address";
	}
	/* All digits and dots but not an address: a typo in an address. */
	if (all_chars(value, ".") && strspn(value, "0123456789.") == strlen(value))
		return "not a valid IPv4 address";
	return NULL;
}

static bool is_prefix(const char *s)
{
	g_autofree char *addr = g_strdup(s);
	char *slash = strchr(addr, '/');
	char *end;
	long bits;

	if (!slash)
		return is_ipv4(addr);
	*slash = '\0';
	bits = strtol(slash + 1, &end, 10);
	return is_ipv4(addr) && slash[1] && !*end && bits >= 0 && bits <= 32;
}

/* A comma list whose every item passes `ok`; else `problem`. */
static const char *check_list(const char *value, bool (*ok)(const char *item),
			      const char *problem)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	for (char **i = items; *i; i++) {
		g_strstrip(*i);
		if (!ok(*i))
			return problem;
	}
	return NULL;
}

const char *rg_check_routes(const char *value)
{
	return check_list(value, is_prefix, "use networks like 10.0.0.0/8, 192.0.2.0/24");
}

static bool is_user(const char *item)
{
	return *item && all_chars(item, "._-$");
}

static const char *check_users(const char *value)
{
	return check_list(value, is_user, "user names separated by commas");
}

static const char *check_interface(const char *value)
{
	if (strlen(value) >= 16 || strchr(value, '/') || strchr(value, ' '))
		return "at most 15 characters, no '/' or spaces";
	return NULL;
}

static bool is_proposal(const char *item)
{
	return *item && all_chars(item, "-_");
}

static const char *check_proposals(const char *value)
{
	return check_list(value, is_proposal,
			  "proposals like aes256-sha256-modp2048, separated by commas");
}

static bool is_component(const char *item)
{
	static const char *const known[] = { "all", "ike", "esp", "l2tp", "ppp", "net", "session",
					     "dataplane", NULL };

	return g_strv_contains(known, item);
}

static const char *check_components(const char *value)
{
	return check_list(value, is_component, "some of: all, ike, esp, l2tp, ppp, net, session");
}

#define TEXT(sec, k, pg, lbl, hnt, ...) \
	{ .section = sec, .key = k, .page = pg, .kind = RG_SETTING_TEXT, .label = lbl, \
	  .hint = hnt, __VA_ARGS__ }

static const struct rg_setting settings[] = {
	/* Main: what every profile needs */
	TEXT("connection", "gateway", RG_PAGE_MAIN, "_Gateway",
	     "Host name or IPv4 address of the VPN gateway", .required = true,
	     .check = rg_check_host),
	TEXT("ppp", "user", RG_PAGE_MAIN, "_User name", "Your VPN user name", .required = true),
	{ "ppp", "password", RG_PAGE_MAIN, RG_SETTING_SECRET, "_Password",
	  "Asked when you connect (and can be remembered in your keyring), or stored in the "
	  "profile for every user of this computer", .flags_key = "password-flags" },
	{ "ipsec", "psk", RG_PAGE_MAIN, RG_SETTING_SECRET, "Pre-shared _key",
	  "The group secret of the gateway", .flags_key = "psk-flags",
	  .only_when = "ipsec.enabled=true;ipsec.auth=psk" },
	{ "connection", "reconnect", RG_PAGE_MAIN, RG_SETTING_BOOL, "_Reconnect automatically",
	  "After the connection was up and then dropped", .default_value = "true" },
	TEXT("connection", "allowed-users", RG_PAGE_MAIN, "Allowed _users",
	     "Users of this computer who may connect it; empty: everyone", .check = check_users,
	     .placeholder = "Everyone"),
	TEXT("connection", "interface", RG_PAGE_MAIN, "_Interface name",
	     "Name of the tunnel device", .default_value = "rvpn%d", .check = check_interface),

	/* IPsec */
	{ "ipsec", "enabled", RG_PAGE_IPSEC, RG_SETTING_BOOL, "_Encrypt with IPsec",
	  "Off only for gateways that speak plain, unencrypted L2TP", .default_value = "true" },
	{ "ipsec", "auth", RG_PAGE_IPSEC, RG_SETTING_CHOICE, "_Authentication",
	  "How this computer proves itself to the gateway", .default_value = "psk",
	  .choices = ipsec_auths, .choice_labels = ipsec_auth_labels },
	{ "ipsec", "ca", RG_PAGE_IPSEC, RG_SETTING_FILE, "_CA certificate",
	  "PEM file with the CA the gateway's certificate must chain to",
	  .only_when = "ipsec.auth=cert" },
	{ "ipsec", "cert", RG_PAGE_IPSEC, RG_SETTING_FILE, "_Certificate",
	  "Your certificate (PEM), or a PKCS#12 bundle (.p12, .pfx)",
	  .only_when = "ipsec.auth=cert" },
	{ "ipsec", "key", RG_PAGE_IPSEC, RG_SETTING_FILE, "Private _key",
	  "Your RSA key (PEM); not needed with a PKCS#12 bundle",
	  .only_when = "ipsec.auth=cert" },
	{ "ipsec", "key-password", RG_PAGE_IPSEC, RG_SETTING_SECRET, "Key pa_ssword",
	  "Password of the PKCS#12 bundle or encrypted key", .only_when = "ipsec.auth=cert" },
	TEXT("ipsec", "remote-id", RG_PAGE_IPSEC, "_Gateway identity",
	     "Expected identity, e.g. fqdn:vpn.example.net or dn:CN=vpn; empty: the gateway's "
	     "name", .placeholder = "The gateway's name"),
	{ "ipsec", "allow-wildcard", RG_PAGE_IPSEC, RG_SETTING_BOOL, "Accept _wildcard certificate",
	  "Accept a *.example.net name in the gateway's certificate", .default_value = "false",
	  .only_when = "ipsec.auth=cert" },
	TEXT("ipsec", "local-id", RG_PAGE_IPSEC, "_Local identity",
	     "Your IKE identity (group name); empty: your address",
	     .placeholder = "This computer's address"),
	{ "ipsec", "mode", RG_PAGE_IPSEC, RG_SETTING_CHOICE, "IKE _mode",
	  "Aggressive Mode only for gateways that require it: it exposes the key to offline "
	  "guessing", .default_value = "main", .choices = ike_modes, .choice_labels = ike_mode_labels },
	TEXT("ipsec", "ike", RG_PAGE_IPSEC, "_Phase 1 proposals",
	     "e.g. aes256-sha256-modp2048; empty: a broad built-in list", .check = check_proposals,
	     .placeholder = "Built-in list"),
	TEXT("ipsec", "esp", RG_PAGE_IPSEC, "Phase _2 proposals",
	     "e.g. aes256-sha1; empty: a broad built-in list", .check = check_proposals,
	     .placeholder = "Built-in list"),
	TEXT("ipsec", "pfs", RG_PAGE_IPSEC, "Perfect _forward secrecy",
	     "none, or a group such as modp2048", .check = check_proposals,
	     .placeholder = "As the gateway proposes"),
	/* Off, a gateway that accepts only these fails, and the hint points here. */
	{ "ipsec", "allow-legacy", RG_PAGE_IPSEC, RG_SETTING_BOOL, "Allow legac_y suites (weak)",
	  "Let the automatic proposals use 3DES, MD5 and MODP1024 (DH group 2). These suites are "
	  "weak: only for an old gateway that accepts nothing else", .default_value = "false" },
	{ "ipsec", "force-encap", RG_PAGE_IPSEC, RG_SETTING_BOOL, "_Always use UDP encapsulation",
	  "Wrap ESP in UDP even without NAT", .default_value = "false" },
	{ "ipsec", "nat-traversal", RG_PAGE_IPSEC, RG_SETTING_BOOL, "_NAT traversal",
	  "Off for gateways that fake NAT detection when there is no NAT", .default_value = "true" },
	{ "ipsec", "ike-lifetime", RG_PAGE_IPSEC, RG_SETTING_NUMBER, "IKE l_ifetime (s)",
	  "Seconds proposed for the IKE SA", .default_value = "28800", .min = 60, .max = 86400 },
	{ "ipsec", "esp-lifetime", RG_PAGE_IPSEC, RG_SETTING_NUMBER, "ESP lif_etime (s)",
	  "Seconds proposed for each ESP SA", .default_value = "3600", .min = 10, .max = 86400 },
	{ "ipsec", "dpd-delay", RG_PAGE_IPSEC, RG_SETTING_NUMBER, "_Dead peer detection (s)",
	  "Seconds of silence before the gateway is probed", .default_value = "30", .min = 1,
	  .max = 3600 },

	/* PPP and L2TP */
	{ "ppp", "auth", RG_PAGE_PPP, RG_SETTING_MULTI, "_Methods",
	  "Allowed login methods, strongest first; PAP sends the password in clear inside the "
	  "tunnel", .default_value = "mschapv2,chap", .choices = ppp_auths,
	  .choice_labels = ppp_auth_labels },
	{ "ppp", "mtu", RG_PAGE_PPP, RG_SETTING_NUMBER, "_MTU", "Largest packet sent",
	  .default_value = "1400", .min = 576, .max = 1500 },
	{ "ppp", "mru", RG_PAGE_PPP, RG_SETTING_NUMBER, "M_RU", "Largest packet received",
	  .default_value = "1400", .min = 576, .max = 1500 },
	TEXT("l2tp", "hostname", RG_PAGE_PPP, "L2TP _host name", "The name this computer gives",
	     .default_value = "roadvpn"),
	{ "l2tp", "secret", RG_PAGE_PPP, RG_SETTING_SECRET, "L2TP tunnel _secret",
	  "Only if the gateway asks for tunnel authentication", .placeholder = "None" },
	TEXT("debug", "log", RG_PAGE_PPP, "_Debug log",
	     "Extra detail in the log for: l2tp, ppp, net, session or all", .check = check_components,
	     .placeholder = "None"),

	/* IP */
	{ "ip", "default-route", RG_PAGE_IP, RG_SETTING_BOOL, "Send _all traffic through the VPN",
	  "Off: only the networks below go through the VPN", .default_value = "true" },
	TEXT("ip", "routes", RG_PAGE_IP, "_Networks", "Networks reached through the VPN, e.g. "
	     "10.0.0.0/8, 192.0.2.0/24", .check = rg_check_routes,
	     .only_when = "ip.default-route=false"),
	{ "ip", "dns", RG_PAGE_IP, RG_SETTING_BOOL, "Use the gateway's _DNS servers",
	  "Names are resolved by the VPN's servers while connected", .default_value = "true" },
	{ "ip", "ipv6", RG_PAGE_IP, RG_SETTING_CHOICE, "IPv_6", "Negotiate IPv6 inside the tunnel",
	  .default_value = "auto", .choices = ipv6_modes, .choice_labels = ipv6_labels },
	{ "ip", "kill-switch", RG_PAGE_IP, RG_SETTING_BOOL, "Block traffic outside the VPN (_kill "
	  "switch)", "While the profile connects, is up or reconnects, nothing leaves this computer "
	  "except through the VPN", .default_value = "false" },
	/* roadvpnd refuses allow-lan without kill-switch; greyed out rather than hidden, so the
	 * option can be found. */
	{ "ip", "allow-lan", RG_PAGE_IP, RG_SETTING_BOOL, "Allow _local network",
	  "With the kill switch: printers, shares and other machines on this network stay "
	  "reachable", .default_value = "false", .sensitive_when = "ip.kill-switch=true" },
};

const struct rg_setting *rg_settings(size_t *count)
{
	*count = G_N_ELEMENTS(settings);
	return settings;
}

const struct rg_setting *rg_settings_find(const char *section, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(settings); i++) {
		if (!strcmp(settings[i].section, section) && !strcmp(settings[i].key, key))
			return &settings[i];
	}
	return NULL;
}

const char *rg_page_title(enum rg_page page)
{
	switch (page) {
	case RG_PAGE_MAIN:
		return "General";
	case RG_PAGE_IPSEC:
		return "IPsec";
	case RG_PAGE_PPP:
		return "PPP";
	case RG_PAGE_IP:
		return "IP";
	case RG_PAGE_COUNT:
		break;
	}
	return "";
}

static const char *validate_number(const struct rg_setting *s, const char *value)
{
	char *end;
	long v = strtol(value, &end, 10);

	if (*end || v < s->min || v > s->max)
		return "out of range";
	return NULL;
}

static const char *validate_multi(const struct rg_setting *s, const char *value)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	for (char **i = items; *i; i++) {
		g_strstrip(*i);
		if (!g_strv_contains(s->choices, *i))
			return "unknown method";
	}
	return NULL;
}

const char *rg_setting_validate(const struct rg_setting *s, const char *value)
{
	if (!value || !*value)
		return s->required ? "required" : (s->kind == RG_SETTING_MULTI ? "choose at least one"
									     : NULL);
	switch (s->kind) {
	case RG_SETTING_TEXT:
	case RG_SETTING_FILE:
		return s->check ? s->check(value) : NULL;
	case RG_SETTING_BOOL:
		return !strcmp(value, "true") || !strcmp(value, "false") ? NULL : "true or false";
	case RG_SETTING_NUMBER:
		return validate_number(s, value);
	case RG_SETTING_CHOICE:
		return g_strv_contains(s->choices, value) ? NULL : "not one of the choices";
	case RG_SETTING_MULTI:
		return validate_multi(s, value);
	case RG_SETTING_SECRET:
		return NULL;
	}
	return NULL;
}
