/*
 * Profile loading and validation (GKeyFile). Unknown groups and keys are
 * refused, not ignored: a typo in "default-rout" must not silently send all
 * traffic outside the tunnel.
 */
#include <arpa/inet.h>
#include <string.h>

#include "ppp/ppp.h"
#include "profile.h"

G_DEFINE_QUARK(roadvpn-profile-error-quark, profile_error)

struct known_keys {
	const char *group;
	const char *keys[24];
};

static const struct known_keys known[] = {
	{ "connection", { "name", "gateway", "reconnect", "allowed-users", "interface", NULL } },
	{ "ipsec", { "enabled", "auth", "mode", "local-id", "psk", "psk-flags", "ike", "esp", "pfs",
		     "ca", "cert", "key", "key-password", "remote-id", "allow-wildcard", "force-encap",
		     "nat-traversal",
		     "ike-lifetime", "esp-lifetime", "dpd-delay", NULL } },
	{ "l2tp", { "hostname", "secret", NULL } },
	{ "ppp", { "user", "password", "password-flags", "auth", "mtu", "mru", NULL } },
	{ "ip", { "default-route", "routes", "dns", "ipv6", NULL } },
	{ "debug", { "log", NULL } },
};

static gboolean invalid(GError **error, const char *group, const char *key, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

static gboolean invalid(GError **error, const char *group, const char *key, const char *fmt, ...)
{
	g_autofree char *reason = NULL;
	va_list ap;

	va_start(ap, fmt);
	reason = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_INVALID, "[%s] %s: %s", group, key, reason);
	return FALSE;
}

static const struct known_keys *find_group(const char *group)
{
	for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
		if (!strcmp(known[i].group, group))
			return &known[i];
	}

	return NULL;
}

static gboolean check_known_keys(GKeyFile *kf, GError **error)
{
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);

	for (char **g = groups; *g; g++) {
		const struct known_keys *k = find_group(*g);
		g_auto(GStrv) keys = NULL;

		if (!k) {
			g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_INVALID, "[%s]: unknown section", *g);
			return FALSE;
		}

		keys = g_key_file_get_keys(kf, *g, NULL, NULL);
		for (char **key = keys; key && *key; key++) {
			if (!g_strv_contains(k->keys, *key))
				return invalid(error, *g, *key, "unknown key");
		}
	}

	return TRUE;
}

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

	return invalid(error, group, key, "expected true or false, got '%s'", v);
}

static gboolean get_u32(GKeyFile *kf, const char *group, const char *key, guint min, guint max,
			uint32_t *ret, GError **error)
{
	g_autofree char *v = get_string(kf, group, key);
	guint64 n;

	*ret = 0;
	if (!v)
		return TRUE;

	if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL))
		return invalid(error, group, key, "expected seconds from %u to %u, got '%s'", min,
			       max, v);

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

	if (!g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL))
		return invalid(error, group, key, "expected a number from %u to %u, got '%s'", min,
			       max, v);

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

		return invalid(error, group, key, "expected one of %s, got '%s'", list, v);
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

static struct rv_secret *get_secret(GKeyFile *kf, const char *group, const char *key)
{
	g_autofree char *v = g_key_file_get_string(kf, group, key, NULL);
	struct rv_secret *s;

	if (!v || !*v)
		return NULL;

	s = rv_secret_new_str(v);
	explicit_bzero(v, strlen(v));
	return s;
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
			return invalid(error, "ip", "routes", "bad prefix length in '%s'", text);
	}

	if (inet_pton(AF_INET, copy, &addr) != 1)
		return invalid(error, "ip", "routes", "'%s' is not an IPv4 network", text);

	mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
	if (addr.s_addr & ~mask)
		return invalid(error, "ip", "routes", "'%s' has host bits set", text);

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
			return invalid(error, "ip", "routes", "more than %d routes", PROFILE_MAX_ROUTES);

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
			return invalid(error, "ppp", "auth",
				       "unknown method '%s' (use mschapv2, chap, pap)", *m);
		p->auth_methods |= bit;
	}

	if (!p->auth_methods)
		return invalid(error, "ppp", "auth", "no method allowed");
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
		return invalid(error, "connection", "gateway", "missing (host name or address)");

	if (p->interface_name && (strlen(p->interface_name) >= 16 || strchr(p->interface_name, '/')))
		return invalid(error, "connection", "interface", "not a valid interface name");

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
	    !get_secret_flag(kf, "ipsec", "psk-flags", &p->psk_flag, error) ||
	    !get_bool(kf, "ipsec", "force-encap", FALSE, &b, error))
		return FALSE;
	p->force_encap = b;

	if (!get_bool(kf, "ipsec", "nat-traversal", TRUE, &b, error))
		return FALSE;
	p->nat_traversal = b;

	if (!get_bool(kf, "ipsec", "allow-wildcard", FALSE, &b, error))
		return FALSE;
	p->allow_wildcard = b;
	if (p->force_encap && !p->nat_traversal)
		return invalid(error, "ipsec", "force-encap",
			       "UDP encapsulation needs nat-traversal=true");

	/* short lifetimes are for tests; a day is as long as gateways allow */
	if (!get_u32(kf, "ipsec", "ike-lifetime", 60, 86400, &p->ike_lifetime, error) ||
	    !get_u32(kf, "ipsec", "esp-lifetime", 10, 86400, &p->esp_lifetime, error) ||
	    !get_u32(kf, "ipsec", "dpd-delay", 1, 3600, &p->dpd_delay, error))
		return FALSE;

	p->local_id = get_string(kf, "ipsec", "local-id");
	p->psk = get_secret(kf, "ipsec", "psk");
	p->ike_proposals = get_string(kf, "ipsec", "ike");
	p->esp_proposals = get_string(kf, "ipsec", "esp");
	p->pfs = get_string(kf, "ipsec", "pfs");
	p->ca_file = get_string(kf, "ipsec", "ca");
	p->cert_file = get_string(kf, "ipsec", "cert");
	p->key_file = get_string(kf, "ipsec", "key");
	p->key_password = get_secret(kf, "ipsec", "key-password");
	p->remote_id = get_string(kf, "ipsec", "remote-id");
	return TRUE;
}

static gboolean parse_ppp(GKeyFile *kf, struct profile *p, GError **error)
{
	p->user = get_string(kf, "ppp", "user");
	p->password = get_secret(kf, "ppp", "password");

	if (!p->user)
		return invalid(error, "ppp", "user", "missing");

	return get_secret_flag(kf, "ppp", "password-flags", &p->password_flag, error) &&
	       parse_auth(kf, p, error) && get_u16(kf, "ppp", "mtu", 576, 1500, &p->mtu, error) &&
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

	return parse_routes(kf, p, error);
}

static struct profile *profile_from_keyfile(GKeyFile *kf, GError **error)
{
	g_autoptr(RvProfile) p = g_new0(struct profile, 1);

	if (!check_known_keys(kf, error) || !parse_connection(kf, p, error) ||
	    !parse_ipsec(kf, p, error) || !parse_ppp(kf, p, error) || !parse_ip(kf, p, error))
		return NULL;

	p->l2tp_hostname = get_string(kf, "l2tp", "hostname");
	p->l2tp_secret = get_secret(kf, "l2tp", "secret");
	p->debug_log = get_string(kf, "debug", "log");
	return g_steal_pointer(&p);
}

struct profile *profile_load_data(const char *data, gsize len, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) parse_error = NULL;

	g_key_file_set_list_separator(kf, ',');
	if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &parse_error)) {
		g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_INVALID, "not a valid profile: %s",
			    parse_error->message);
		return NULL;
	}

	return profile_from_keyfile(kf, error);
}

struct profile *profile_load_file(const char *path, GError **error)
{
	g_autofree char *data = NULL;
	g_autoptr(GError) io_error = NULL;
	struct profile *p;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, &io_error)) {
		g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_IO, "%s", io_error->message);
		return NULL;
	}

	p = profile_load_data(data, len, error);
	explicit_bzero(data, len);
	if (!p && error && *error)
		g_prefix_error(error, "%s: ", path);
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
	rv_secret_free(p->psk);
	g_free(p->ike_proposals);
	g_free(p->esp_proposals);
	g_free(p->pfs);
	g_free(p->ca_file);
	g_free(p->cert_file);
	g_free(p->key_file);
	rv_secret_free(p->key_password);
	g_free(p->remote_id);
	g_free(p->l2tp_hostname);
	rv_secret_free(p->l2tp_secret);
	g_free(p->user);
	rv_secret_free(p->password);
	g_free(p->debug_log);
	g_free(p);
}

/* A PKCS#12 bundle always has a password; a PEM key may or may not. */
static bool is_pkcs12(const char *path)
{
	return path && (g_str_has_suffix(path, ".p12") || g_str_has_suffix(path, ".pfx"));
}

GStrv profile_missing_secrets(const struct profile *p)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	if (p->ipsec_enabled && !strcmp(p->ipsec_auth, "psk") && !p->psk)
		g_strv_builder_add(b, "psk");
	if (p->ipsec_enabled && !strcmp(p->ipsec_auth, "cert") && !p->key_password &&
	    is_pkcs12(p->cert_file ? p->cert_file : p->key_file))
		g_strv_builder_add(b, "key-password");
	if (!p->password)
		g_strv_builder_add(b, "password");
	return g_strv_builder_end(b);
}

gboolean profile_set_secret(struct profile *p, const char *name, const char *value, GError **error)
{
	struct rv_secret **slot = NULL;

	if (!strcmp(name, "psk"))
		slot = &p->psk;
	else if (!strcmp(name, "password"))
		slot = &p->password;
	else if (!strcmp(name, "l2tp-secret"))
		slot = &p->l2tp_secret;
	else if (!strcmp(name, "key-password"))
		slot = &p->key_password;

	if (!slot) {
		g_set_error(error, PROFILE_ERROR, PROFILE_ERROR_INVALID, "unknown secret '%s'", name);
		return FALSE;
	}

	rv_secret_free(*slot);
	*slot = rv_secret_new_str(value);
	return TRUE;
}
