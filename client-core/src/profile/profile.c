/*
 * Profile loading and validation (GKeyFile). Unknown groups and keys are
 * refused, not ignored (keyfile.c): a typo in "default-rout" must not
 * silently send all traffic outside the tunnel. Every value is checked
 * here, with the field named, so that a bad profile is refused when it is
 * saved rather than when it connects.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ppp/ppp.h"
#include "profile.h"

G_DEFINE_QUARK(roadvpn-profile-error-quark, profile_error)

/* "[group] key: reason", tagged with the problem's id for the front ends. */
#define invalid(error, id, params, group, key, fmt, ...)                                     \
	profile_invalid(error, id, group, key, params, "[%s] %s: " fmt, group, key, ##__VA_ARGS__)

/* A missing key yields NULL; an empty value counts as missing. */
static char *get_string(GKeyFile *kf, const char *group, const char *key)
{
	char *v = g_key_file_get_string(kf, group, key, NULL);

	if (v)
		g_strstrip(v);
	if (v && !*v)
		g_clear_pointer(&v, g_free);
	return v;
}

static gboolean get_bool(GKeyFile *kf, const char *group, const char *key, gboolean def,
			 gboolean *ret, GError **error)
{
	g_autofree char *v = get_string(kf, group, key);

	if (!v) {
		*ret = def;
		return TRUE;
	}

	if (!g_ascii_strcasecmp(v, "true") || !strcmp(v, "1") || !g_ascii_strcasecmp(v, "yes")) {
		*ret = TRUE;
		return TRUE;
	}

	if (!g_ascii_strcasecmp(v, "false") || !strcmp(v, "0") || !g_ascii_strcasecmp(v, "no")) {
		*ret = FALSE;
		return TRUE;
	}

	return invalid(error, "bad-bool", NULL, group, key, "expected true or false, got '%s'", v);
}

static gboolean get_u32(GKeyFile *kf, const char *group, const char *key, guint min, guint max,
			uint32_t *ret, GError **error)
{
	g_autofree char *v = get_string(kf, group, key);
	guint64 n;

	*ret = 0;
	if (!v)
		return TRUE;

	if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL)) {
		g_autofree char *range = g_strdup_printf("min=%u max=%u", min, max);

		return invalid(error, "out-of-range", range, group, key,
			       "expected seconds from %u to %u, got '%s'", min, max, v);
	}

	*ret = (uint32_t)n;
	return TRUE;
}

static gboolean get_u16(GKeyFile *kf, const char *group, const char *key, guint min, guint max,
			uint16_t *ret, GError **error)
{
	g_autofree char *v = get_string(kf, group, key);
	guint64 n;

	*ret = 0;
	if (!v)
		return TRUE;

	if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL)) {
		g_autofree char *range = g_strdup_printf("min=%u max=%u", min, max);

		return invalid(error, "out-of-range", range, group, key,
			       "expected a number from %u to %u, got '%s'", min, max, v);
	}

	*ret = (uint16_t)n;
	return TRUE;
}

static gboolean get_choice(GKeyFile *kf, const char *group, const char *key,
			   const char *const *choices, char **ret, GError **error)
{
	g_autofree char *v = get_string(kf, group, key);

	*ret = NULL;
	if (!v) {
		*ret = g_strdup(choices[0]);
		return TRUE;
	}

	if (!g_strv_contains(choices, v)) {
		g_autofree char *list = g_strjoinv(", ", (char **)choices);

		return invalid(error, "bad-choice", NULL, group, key, "expected one of %s, got '%s'", list, v);
	}

	*ret = g_steal_pointer(&v);
	return TRUE;
}

static gboolean get_secret_flag(GKeyFile *kf, const char *group, const char *key,
				enum profile_secret_flag *ret, GError **error)
{
	static const char *const flags[] = { "stored", "ask", NULL };
	g_autofree char *v = NULL;

	if (!get_choice(kf, group, key, flags, &v, error))
		return FALSE;

	*ret = !strcmp(v, "ask") ? PROFILE_SECRET_ASK : PROFILE_SECRET_STORED;
	return TRUE;
}

/* Secrets are taken as written, without GKeyFile's escapes (docs/profile.md). */
static struct rv_secret *get_secret(GKeyFile *kf, const char *group, const char *key)
{
	g_autofree char *v = g_key_file_get_value(kf, group, key, NULL);
	struct rv_secret *s = NULL;

	if (!v)
		return NULL;
	if (*g_strstrip(v))
		s = rv_secret_new_str(v);
	explicit_bzero(v, strlen(v));
	return s;
}

struct rv_secret **profile_secret_slot(struct profile *p, const struct profile_secret_key *k)
{
	return (struct rv_secret **)((char *)p + k->slot);
}

static gboolean parse_secrets(GKeyFile *kf, struct profile *p, GError **error)
{
	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		const struct profile_secret_key *k = &profile_secret_keys[i];

		*profile_secret_slot(p, k) = get_secret(kf, k->group, k->key);
		if (k->flag_key &&
		    !get_secret_flag(kf, k->group, k->flag_key,
				     (enum profile_secret_flag *)((char *)p + k->flag_slot), error))
			return FALSE;
	}
	return TRUE;
}

gboolean profile_parse_route(const char *text, struct profile_route *ret, GError **error)
{
	g_autofree char *copy = g_strstrip(g_strdup(text));
	char *slash = strchr(copy, '/');
	guint64 prefix = 32;
	struct in_addr addr;
	uint32_t mask;

	if (slash) {
		*slash = '\0';
		if (!g_ascii_string_to_unsigned(slash + 1, 10, 0, 32, &prefix, NULL))
			return invalid(error, "bad-route", NULL, "ip", "routes", "bad prefix length in '%s'", text);
	}

	if (inet_pton(AF_INET, copy, &addr) != 1)
		return invalid(error, "bad-route", NULL, "ip", "routes", "'%s' is not an IPv4 network", text);

	mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	if (addr.s_addr & ~mask)
		return invalid(error, "bad-route", NULL, "ip", "routes", "'%s' has host bits set", text);

	ret->dst = addr.s_addr;
	ret->prefix_len = (uint8_t)prefix;
	return TRUE;
}

static gboolean parse_routes(GKeyFile *kf, struct profile *p, GError **error)
{
	g_auto(GStrv) list = g_key_file_get_string_list(kf, "ip", "routes", NULL, NULL);

	for (char **r = list; r && *r; r++) {
		if (!*g_strstrip(*r))
			continue;

		if (p->n_routes == PROFILE_MAX_ROUTES)
			return invalid(error, "too-many", "limit=" G_STRINGIFY(PROFILE_MAX_ROUTES), "ip",
				       "routes", "more than %d routes", PROFILE_MAX_ROUTES);

		if (!profile_parse_route(*r, &p->routes[p->n_routes], error))
			return FALSE;
		p->n_routes++;
	}

	return TRUE;
}

static unsigned int auth_method_bit(const char *name)
{
	if (!strcmp(name, "mschapv2"))
		return PPP_AUTH_MSCHAPV2;
	if (!strcmp(name, "chap"))
		return PPP_AUTH_CHAP_MD5;
	if (!strcmp(name, "pap"))
		return PPP_AUTH_PAP;
	return 0;
}

static gboolean parse_auth(GKeyFile *kf, struct profile *p, GError **error)
{
	g_auto(GStrv) list = g_key_file_get_string_list(kf, "ppp", "auth", NULL, NULL);

	/* PAP sends the password in clear: only when the profile names it. */
	if (!list) {
		p->auth_methods = PPP_AUTH_MSCHAPV2 | PPP_AUTH_CHAP_MD5;
		return TRUE;
	}

	for (char **m = list; *m; m++) {
		unsigned int bit = auth_method_bit(g_strstrip(*m));

		if (!bit)
			return invalid(error, "bad-choice", NULL, "ppp", "auth",
				       "unknown method '%s' (use mschapv2, chap, pap)", *m);
		p->auth_methods |= bit;
	}

	if (!p->auth_methods)
		return invalid(error, "missing", NULL, "ppp", "auth", "no method allowed");
	return TRUE;
}

/* RFC 1123 labels (and '_', which private DNS zones use), or an IPv4 address. */
static bool host_name_valid(const char *name)
{
	size_t len = strlen(name), label = 0;
	const char *last;

	if (!len || len > 253 || name[0] == '.' || strstr(name, ".."))
		return false;
	for (const char *c = name; *c; c++) {
		if (*c == '.') {
			if (c[-1] == '-')
				return false;
			label = 0;
		} else if (g_ascii_isalnum(*c) || *c == '_' || (*c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	if (name[len - 1] == '-')
		return false;
	/* "10.1.2" is no host name: resolvers would read it as an address. */
	last = strrchr(name, '.');
	last = last && last[1] ? last + 1 : name;
	return strspn(last, "0123456789") < strcspn(last, ".");
}

static gboolean check_gateway(const char *gw, GError **error)
{
	struct in_addr a;
	struct in6_addr a6;

	if (inet_pton(AF_INET, gw, &a) == 1 || host_name_valid(gw))
		return TRUE;
	if (inet_pton(AF_INET6, gw, &a6) == 1)
		return invalid(error, "ipv6-gateway", NULL, "connection", "gateway",
			       "an IPv6 address: only IPv4 gateways are supported");
	return invalid(error, "bad-host", NULL, "connection", "gateway", "not a host name or an IPv4 address");
}

/* The kernel's rule for device names (dev_valid_name), and one %d at most. */
static gboolean check_interface(const char *name, GError **error)
{
	const char *pct = strchr(name, '%');

	if (strlen(name) >= 16 || !strcmp(name, ".") || !strcmp(name, ".."))
		return invalid(error, "bad-interface", NULL, "connection", "interface",
			       "not a valid interface name");
	for (const char *c = name; *c; c++) {
		if (*c == '/' || *c == ':' || g_ascii_isspace(*c) || !g_ascii_isprint(*c))
			return invalid(error, "bad-interface", NULL, "connection", "interface",
				       "not a valid interface name (no '/', ':' or spaces)");
	}
	if (pct && (pct[1] != 'd' || strchr(pct + 1, '%')))
		return invalid(error, "bad-interface", NULL, "connection", "interface",
			       "'%%' only as one '%%d' (the next free number)");
	return TRUE;
}

static gboolean parse_connection(GKeyFile *kf, struct profile *p, GError **error)
{
	gboolean b;

	p->name = get_string(kf, "connection", "name");
	p->gateway = get_string(kf, "connection", "gateway");
	p->interface_name = get_string(kf, "connection", "interface");
	p->allowed_users = g_key_file_get_string_list(kf, "connection", "allowed-users", NULL, NULL);

	if (!p->gateway)
		return invalid(error, "missing", NULL, "connection", "gateway", "missing (host name or address)");
	if (!check_gateway(p->gateway, error))
		return FALSE;
	if (p->interface_name && !check_interface(p->interface_name, error))
		return FALSE;

	if (!get_bool(kf, "connection", "reconnect", TRUE, &b, error))
		return FALSE;
	p->reconnect = b;
	return TRUE;
}

static gboolean parse_ipsec(GKeyFile *kf, struct profile *p, GError **error)
{
	static const char *const auths[] = { "psk", "cert", NULL };
	static const char *const modes[] = { "main", "aggressive", NULL };
	gboolean b;

	if (!get_bool(kf, "ipsec", "enabled", TRUE, &b, error))
		return FALSE;
	p->ipsec_enabled = b;

	if (!get_choice(kf, "ipsec", "auth", auths, &p->ipsec_auth, error) ||
	    !get_choice(kf, "ipsec", "mode", modes, &p->ipsec_mode, error) ||
	    !get_bool(kf, "ipsec", "force-encap", FALSE, &b, error))
		return FALSE;
	p->force_encap = b;

	if (!get_bool(kf, "ipsec", "nat-traversal", TRUE, &b, error))
		return FALSE;
	p->nat_traversal = b;

	if (!get_bool(kf, "ipsec", "allow-wildcard", FALSE, &b, error))
		return FALSE;
	p->allow_wildcard = b;
	if (!get_bool(kf, "ipsec", "allow-legacy", FALSE, &b, error))
		return FALSE;
	p->allow_legacy = b;
	if (p->force_encap && !p->nat_traversal)
		return invalid(error, "requires", "requires=ipsec.nat-traversal", "ipsec", "force-encap",
			       "UDP encapsulation needs nat-traversal=true");

	/* short lifetimes are for tests; a day is as long as gateways allow */
	if (!get_u32(kf, "ipsec", "ike-lifetime", 60, 86400, &p->ike_lifetime, error) ||
	    !get_u32(kf, "ipsec", "esp-lifetime", 10, 86400, &p->esp_lifetime, error) ||
	    !get_u32(kf, "ipsec", "dpd-delay", 1, 3600, &p->dpd_delay, error))
		return FALSE;

	p->local_id = get_string(kf, "ipsec", "local-id");
	p->ike_proposals = get_string(kf, "ipsec", "ike");
	p->esp_proposals = get_string(kf, "ipsec", "esp");
	p->pfs = get_string(kf, "ipsec", "pfs");
	p->ca_file = get_string(kf, "ipsec", "ca");
	p->cert_file = get_string(kf, "ipsec", "cert");
	p->key_file = get_string(kf, "ipsec", "key");
	p->remote_id = get_string(kf, "ipsec", "remote-id");
	return TRUE;
}

static gboolean parse_ppp(GKeyFile *kf, struct profile *p, GError **error)
{
	p->user = get_string(kf, "ppp", "user");

	if (!p->user)
		return invalid(error, "missing", NULL, "ppp", "user", "missing");

	return parse_auth(kf, p, error) && get_u16(kf, "ppp", "mtu", 576, 1500, &p->mtu, error) &&
	       get_u16(kf, "ppp", "mru", 576, 1500, &p->mru, error);
}

static gboolean parse_ip(GKeyFile *kf, struct profile *p, GError **error)
{
	static const char *const ipv6[] = { "auto", "off", NULL };
	g_autofree char *v6 = NULL;
	gboolean b;

	if (!get_bool(kf, "ip", "default-route", TRUE, &b, error))
		return FALSE;
	p->default_route = b;

	if (!get_bool(kf, "ip", "dns", TRUE, &b, error))
		return FALSE;
	p->dns = b;

	if (!get_choice(kf, "ip", "ipv6", ipv6, &v6, error))
		return FALSE;
	p->ipv6 = !strcmp(v6, "off") ? PROFILE_IPV6_OFF : PROFILE_IPV6_AUTO;

	if (!get_bool(kf, "ip", "kill-switch", FALSE, &b, error))
		return FALSE;
	p->kill_switch = b;
	if (!get_bool(kf, "ip", "allow-lan", FALSE, &b, error))
		return FALSE;
	p->allow_lan = b;
	/* Without the kill switch nothing is blocked: allow-lan alone would promise nothing. */
	if (p->allow_lan && !p->kill_switch)
		return invalid(error, "requires", "requires=ip.kill-switch", "ip", "allow-lan",
			       "only means something with kill-switch=true");

	return parse_routes(kf, p, error);
}

struct profile *profile_from_keyfile(GKeyFile *kf, GError **error)
{
	g_autoptr(RvProfile) p = g_new0(struct profile, 1);

	if (!profile_keyfile_check_values(kf, error) || !parse_connection(kf, p, error) ||
	    !parse_ipsec(kf, p, error) || !parse_ppp(kf, p, error) || !parse_ip(kf, p, error) ||
	    !parse_secrets(kf, p, error))
		return NULL;

	p->l2tp_hostname = get_string(kf, "l2tp", "hostname");
	p->debug_log = get_string(kf, "debug", "log");
	return g_steal_pointer(&p);
}

struct profile *profile_load_data(const char *data, gsize len, GError **error)
{
	g_autoptr(GKeyFile) kf = profile_keyfile_parse(data, len, G_KEY_FILE_NONE, error);

	return kf ? profile_from_keyfile(kf, error) : NULL;
}

struct profile *profile_load_file(const char *path, GError **error)
{
	g_autoptr(GKeyFile) kf = profile_keyfile_load(path, error);
	struct profile *p = kf ? profile_from_keyfile(kf, error) : NULL;

	if (kf && !p && error && *error) {
		g_autofree char *prefix = g_strdup_printf("%s: ", path);

		profile_problem_prefix(*error, prefix);
	}
	return p;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;

	g_free(p->name);
	g_free(p->gateway);
	g_strfreev(p->allowed_users);
	g_free(p->interface_name);
	g_free(p->ipsec_auth);
	g_free(p->ipsec_mode);
	g_free(p->local_id);
	g_free(p->ike_proposals);
	g_free(p->esp_proposals);
	g_free(p->pfs);
	g_free(p->ca_file);
	g_free(p->cert_file);
	g_free(p->key_file);
	g_free(p->remote_id);
	g_free(p->l2tp_hostname);
	g_free(p->user);
	g_free(p->debug_log);
	for (size_t i = 0; i < profile_n_secret_keys; i++)
		rv_secret_free(*profile_secret_slot(p, &profile_secret_keys[i]));
	g_free(p);
}

/* A PKCS#12 bundle always has a password; a PEM key may or may not. */
static bool is_pkcs12(const char *path)
{
	return path && (g_str_has_suffix(path, ".p12") || g_str_has_suffix(path, ".pfx"));
}

bool profile_needs_key_password(const struct profile *p)
{
	return p->ipsec_enabled && !strcmp(p->ipsec_auth, "cert") &&
	       (p->key_password_flag == PROFILE_SECRET_ASK ||
		is_pkcs12(p->cert_file ? p->cert_file : p->key_file));
}

GStrv profile_missing_secrets(const struct profile *p)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	if (p->ipsec_enabled && !strcmp(p->ipsec_auth, "psk") && !p->psk)
		g_strv_builder_add(b, "psk");
	if (profile_needs_key_password(p) && !p->key_password)
		g_strv_builder_add(b, "key-password");
	if (!p->password)
		g_strv_builder_add(b, "password");
	return g_strv_builder_end(b);
}

gboolean profile_set_secret(struct profile *p, const char *name, const char *value, GError **error)
{
	const struct profile_secret_key *k = profile_secret_named(name);
	struct rv_secret **slot;

	if (!k) {
		g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_INVALID, "unknown secret '%s'", name);
		return FALSE;
	}

	slot = profile_secret_slot(p, k);
	rv_secret_free(*slot);
	*slot = rv_secret_new_str(value);
	return TRUE;
}
