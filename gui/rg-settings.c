/*
 * The editor's view of the profile settings: which page each field is on,
 * in what order, when it is shown, and the cheap local checks that mirror
 * roadvpnd's profile rules for what can be judged without the helper
 * (syntax and ranges), so Save is enabled only for a form the helper will
 * accept for those reasons. What each setting is (type, default, range,
 * choices, label, help) comes from the client library's one table
 * (rvc-settings.h). Every text here is a msgid (N_(), domain roadvpn),
 * translated where the editor shows it.
 */
#include <arpa/inet.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include <roadvpn-client/roadvpn-client.h>

#include "rg-settings.h"

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
		return N_("a name is needed");
	if (n > 64)
		return N_("at most 64 characters");
	if (value[0] == '.')
		return N_("cannot start with a dot");
	if (!all_chars(value, "._-"))
		return N_("only letters, digits, '.', '_' and '-'");
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
		return N_("not a host name or IPv4 address");
	labels = g_strsplit(value, ".", -1);
	for (char **l = labels; *l; l++) {
		size_t n = strlen(*l);

		if (n == 0 || n > 63 || (*l)[0] == '-' || (*l)[n - 1] == '-')
			return N_("not a host name or IPv4 address");
	}
	/* All digits and dots but not an address: a typo in an address. */
	if (all_chars(value, ".") && strspn(value, "0123456789.") == strlen(value))
		return N_("not a valid IPv4 address");
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
	return check_list(value, is_prefix, N_("use networks like 10.0.0.0/8, 192.0.2.0/24"));
}

static bool is_user(const char *item)
{
	return *item && all_chars(item, "._-$");
}

static const char *check_users(const char *value)
{
	return check_list(value, is_user, N_("user names separated by commas"));
}

static const char *check_interface(const char *value)
{
	if (strlen(value) >= 16 || strchr(value, '/') || strchr(value, ' '))
		return N_("at most 15 characters, no '/' or spaces");
	return NULL;
}

static bool is_proposal(const char *item)
{
	return *item && all_chars(item, "-_");
}

static const char *check_proposals(const char *value)
{
	return check_list(value, is_proposal,
			  N_("proposals like aes256-sha256-modp2048, separated by commas"));
}

static bool is_component(const char *item)
{
	static const char *const known[] = { "all", "ike", "esp", "l2tp", "ppp", "net", "session",
					     "dataplane", NULL };

	return g_strv_contains(known, item);
}

static const char *check_components(const char *value)
{
	return check_list(value, is_component, N_("some of: all, ike, esp, l2tp, ppp, net, session"));
}

/* A field of the editor: a setting of the library's table and where it goes. */
struct rg_row {
	const char *group, *key;
	enum rg_page page;
	rg_setting_check check;         /* beyond what the type checks */
	const char *only_when, *sensitive_when;
	bool none_when_empty;           /* stored and left empty: there is none (not a problem) */
	const char *needed_when, *needed; /* see struct rg_setting */
	bool needed_unless_bundle;
};

/* What roadvpnd checks before it loads a certificate profile's files. */
#define CERT_AUTH "ipsec.enabled=true;ipsec.auth=cert"


static const struct rg_row rows[] = {
	/* Main: what every profile needs */
	{ "connection", "gateway", RG_PAGE_MAIN },
	{ "ppp", "user", RG_PAGE_MAIN },
	{ "ppp", "password", RG_PAGE_MAIN },
	{ "ipsec", "psk", RG_PAGE_MAIN, .only_when = "ipsec.enabled=true;ipsec.auth=psk" },
	{ "connection", "reconnect", RG_PAGE_MAIN },
	{ "connection", "allowed-users", RG_PAGE_MAIN, check_users },
	{ "connection", "interface", RG_PAGE_MAIN, check_interface },

	/* IPsec */
	{ "ipsec", "enabled", RG_PAGE_IPSEC },
	{ "ipsec", "auth", RG_PAGE_IPSEC },
	{ "ipsec", "ca", RG_PAGE_IPSEC, .only_when = "ipsec.auth=cert", .needed_when = CERT_AUTH,
	  .needed = N_("certificate authentication needs the gateway's CA certificate") },
	{ "ipsec", "cert", RG_PAGE_IPSEC, .only_when = "ipsec.auth=cert", .needed_when = CERT_AUTH,
	  .needed = N_("certificate authentication needs our certificate") },
	{ "ipsec", "key", RG_PAGE_IPSEC, .only_when = "ipsec.auth=cert", .needed_when = CERT_AUTH,
	  .needed = N_("a PEM certificate needs its private key (a .p12/.pfx bundle holds it)"),
	  .needed_unless_bundle = true },
	/* Stored and empty is a key without a password (a PKCS#12 bundle's is asked anyway). */
	{ "ipsec", "key-password", RG_PAGE_IPSEC, .only_when = "ipsec.auth=cert",
	  .none_when_empty = true },
	{ "ipsec", "remote-id", RG_PAGE_IPSEC },
	{ "ipsec", "allow-wildcard", RG_PAGE_IPSEC, .only_when = "ipsec.auth=cert" },
	{ "ipsec", "local-id", RG_PAGE_IPSEC },
	{ "ipsec", "mode", RG_PAGE_IPSEC },
	{ "ipsec", "ike", RG_PAGE_IPSEC },
	{ "ipsec", "esp", RG_PAGE_IPSEC },
	{ "ipsec", "pfs", RG_PAGE_IPSEC },
	/* Off, a gateway that accepts only these fails, and the hint points here. */
	{ "ipsec", "allow-legacy", RG_PAGE_IPSEC },
	{ "ipsec", "force-encap", RG_PAGE_IPSEC },
	{ "ipsec", "nat-traversal", RG_PAGE_IPSEC },
	{ "ipsec", "ike-lifetime", RG_PAGE_IPSEC },
	{ "ipsec", "esp-lifetime", RG_PAGE_IPSEC },
	{ "ipsec", "dpd-delay", RG_PAGE_IPSEC },

	/* PPP and L2TP */
	{ "ppp", "auth", RG_PAGE_PPP },
	{ "ppp", "mtu", RG_PAGE_PPP },
	{ "ppp", "mru", RG_PAGE_PPP },
	{ "l2tp", "hostname", RG_PAGE_PPP },
	{ "l2tp", "secret", RG_PAGE_PPP },
	{ "debug", "log", RG_PAGE_PPP, check_components },

	/* IP */
	{ "ip", "default-route", RG_PAGE_IP },
	{ "ip", "routes", RG_PAGE_IP, rg_check_routes, .only_when = "ip.default-route=false" },
	{ "ip", "dns", RG_PAGE_IP },
	{ "ip", "ipv6", RG_PAGE_IP },
	{ "ip", "kill-switch", RG_PAGE_IP },
	/* roadvpnd refuses allow-lan without kill-switch; greyed out rather than hidden, so the
	 * option can be found. */
	{ "ip", "allow-lan", RG_PAGE_IP, .sensitive_when = "ip.kill-switch=true" },
};

static struct rg_setting settings[G_N_ELEMENTS(rows)];

static enum rg_setting_kind kind_of(RvcSettingType type)
{
	switch (type) {
	case RVC_SETTING_BOOL:
		return RG_SETTING_BOOL;
	case RVC_SETTING_NUMBER:
		return RG_SETTING_NUMBER;
	case RVC_SETTING_CHOICE:
		return RG_SETTING_CHOICE;
	case RVC_SETTING_LIST:
		return RG_SETTING_MULTI;
	case RVC_SETTING_SECRET:
		return RG_SETTING_SECRET;
	case RVC_SETTING_FILE:
		return RG_SETTING_FILE;
	case RVC_SETTING_TEXT:
	case RVC_SETTING_HOST:
	case RVC_SETTING_PROPOSALS:
	case RVC_SETTING_FLAGS:
		break;
	}
	return RG_SETTING_TEXT;
}

/* The check a type brings when the row names none. */
static rg_setting_check check_of(RvcSettingType type)
{
	if (type == RVC_SETTING_HOST)
		return rg_check_host;
	return type == RVC_SETTING_PROPOSALS ? check_proposals : NULL;
}

static void fill(struct rg_setting *out, const struct rg_row *row)
{
	const RvcSetting *s = rvc_setting_find(row->group, row->key);

	g_assert(s);
	*out = (struct rg_setting){
		.section = s->group, .key = s->key, .page = row->page, .kind = kind_of(s->type),
		.label = s->label, .hint = s->help, .placeholder = s->placeholder,
		.default_value = s->default_value, .required = s->required, .min = s->min,
		.max = s->max, .choices = s->choices, .choice_labels = s->choice_labels,
		.flags_key = s->flags_key, .none_when_empty = row->none_when_empty,
		.check = row->check ? row->check : check_of(s->type), .only_when = row->only_when,
		.sensitive_when = row->sensitive_when, .needed_when = row->needed_when,
		.needed = row->needed, .needed_unless_bundle = row->needed_unless_bundle,
	};
}

/* Made at first use from the library's rows (another unit's data: not a constant). */
static const struct rg_setting *table(void)
{
	static gsize built;

	if (g_once_init_enter(&built)) {
		for (size_t i = 0; i < G_N_ELEMENTS(rows); i++)
			fill(&settings[i], &rows[i]);
		g_once_init_leave(&built, 1);
	}
	return settings;
}

const struct rg_setting *rg_settings(size_t *count)
{
	*count = G_N_ELEMENTS(rows);
	return table();
}

const struct rg_setting *rg_settings_find(const char *section, const char *key)
{
	const struct rg_setting *all = table();

	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		if (!strcmp(all[i].section, section) && !strcmp(all[i].key, key))
			return &all[i];
	}
	return NULL;
}

const char *rg_page_title(enum rg_page page)
{
	switch (page) {
	case RG_PAGE_MAIN:
		return N_("General");
	case RG_PAGE_IPSEC:
		return N_("IPsec");
	case RG_PAGE_PPP:
		return N_("PPP");
	case RG_PAGE_IP:
		return N_("IP");
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
		return N_("out of range");
	return NULL;
}

static const char *validate_multi(const struct rg_setting *s, const char *value)
{
	g_auto(GStrv) items = g_strsplit(value, ",", -1);

	for (char **i = items; *i; i++) {
		g_strstrip(*i);
		if (!g_strv_contains(s->choices, *i))
			return N_("unknown method");
	}
	return NULL;
}

bool rg_is_pkcs12(const char *path)
{
	return path && (g_str_has_suffix(path, ".p12") || g_str_has_suffix(path, ".pfx"));
}

const char *rg_setting_validate(const struct rg_setting *s, const char *value)
{
	if (!value || !*value) {
		if (s->required)
			return N_("required");
		return s->kind == RG_SETTING_MULTI ? N_("choose at least one") : NULL;
	}
	switch (s->kind) {
	case RG_SETTING_TEXT:
	case RG_SETTING_FILE:
		return s->check ? s->check(value) : NULL;
	case RG_SETTING_BOOL:
		return !strcmp(value, "true") || !strcmp(value, "false") ? NULL : N_("true or false");
	case RG_SETTING_NUMBER:
		return validate_number(s, value);
	case RG_SETTING_CHOICE:
		return g_strv_contains(s->choices, value) ? NULL : N_("not one of the choices");
	case RG_SETTING_MULTI:
		return validate_multi(s, value);
	case RG_SETTING_SECRET:
		return NULL;
	}
	return NULL;
}
