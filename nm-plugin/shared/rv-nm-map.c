/*
 * vpn.data <-> profile (see rv-nm-map.h). Each row says how one key
 * converts; the two directions are the same walk over the table, and every
 * value is checked by its kind before it is used, in both directions. The
 * rows are the client library's settings that have a vpn.data name
 * (rvc-settings.h: type, range, choices, default), plus the keys only
 * NetworkManager has.
 */
#include <arpa/inet.h>
#include <string.h>

#include <roadvpn-client/rvc-settings.h>

#include "rv-nm-map.h"

#define MAX_TEXT 255
#define MAX_PATH 4095
#define MAX_PROPOSALS 512

static const char *const m_mschapv2[] = { "mschapv2", NULL };
static const char *const m_chap[] = { "chap", NULL };
static const char *const m_pap[] = { "pap", NULL };

/*
 * vpn.data keys without a profile key of their own, after the library's
 * rows. Order: ppp.auth's order (strongest first).
 */
static const struct rv_nm_key nm_only[] = {
	{ "refuse-mschapv2", "ppp", "auth", RV_NM_REFUSE, .choices = m_mschapv2, .dflt = "no" },
	{ "refuse-chap", "ppp", "auth", RV_NM_REFUSE, .choices = m_chap, .dflt = "no" },
	/* PAP sends the password in clear: opt-in, as in roadvpn's profiles. */
	{ "refuse-pap", "ppp", "auth", RV_NM_REFUSE, .choices = m_pap, .dflt = "yes" },
	{ "l2tp-secret-flags", NULL, NULL, RV_NM_FLAGS },
	{ "machine-certpass-flags", NULL, NULL, RV_NM_FLAGS },
};

/* Choice values NM-l2tp spells otherwise: vpn.data key, its value, the profile's. */
static const struct {
	const char *nm_key, *nm, *profile;
} nm_values[] = {
	{ "machine-auth-type", "tls", "cert" },
};

static struct rv_nm_key *keys;
static size_t n_keys;

/* "nm=profile" for one profile choice of row S. */
static char *nm_choice(const RvcSetting *s, const char *profile)
{
	for (size_t i = 0; i < G_N_ELEMENTS(nm_values); i++) {
		if (!strcmp(nm_values[i].nm_key, s->nm_key) && !strcmp(nm_values[i].profile, profile))
			return g_strdup_printf("%s=%s", nm_values[i].nm, profile);
	}
	return g_strdup_printf("%s=%s", profile, profile);
}

static const char *const *nm_choices(const RvcSetting *s)
{
	guint n = g_strv_length((char **)s->choices);
	char **c = g_new0(char *, n + 1);

	for (guint i = 0; i < n; i++)
		c[i] = nm_choice(s, s->choices[i]);
	return (const char *const *)c;
}

/*
 * The vpn.data value meant when the key is absent: booleans, choices and
 * flags have one (a choice's is made once, kept with the table).
 */
static const char *nm_default(const struct rv_nm_key *k, const RvcSetting *s)
{
	switch (k->kind) {
	case RV_NM_BOOL:
		return !g_strcmp0(s->default_value, "true") ? "yes" : "no";
	case RV_NM_CHOICE:
		for (size_t i = 0; k->choices[i]; i++) {
			const char *eq = strchr(k->choices[i], '=');

			if (!strcmp(eq + 1, s->default_value))
				return g_strndup(k->choices[i], eq - k->choices[i]);
		}
		return NULL;
	case RV_NM_FLAGS:
		return "0";
	case RV_NM_TEXT:
	case RV_NM_HOST:
	case RV_NM_UINT:
	case RV_NM_FILE:
	case RV_NM_PROPOSALS:
	case RV_NM_REFUSE:
		break;
	}
	return NULL;
}

/* The vpn.data kind of a library row; FALSE: not in vpn.data (secrets, lists). */
static gboolean nm_kind(RvcSettingType type, enum rv_nm_kind *kind)
{
	switch (type) {
	case RVC_SETTING_TEXT:
		*kind = RV_NM_TEXT;
		return TRUE;
	case RVC_SETTING_HOST:
		*kind = RV_NM_HOST;
		return TRUE;
	case RVC_SETTING_BOOL:
		*kind = RV_NM_BOOL;
		return TRUE;
	case RVC_SETTING_NUMBER:
		*kind = RV_NM_UINT;
		return TRUE;
	case RVC_SETTING_CHOICE:
		*kind = RV_NM_CHOICE;
		return TRUE;
	case RVC_SETTING_PROPOSALS:
		*kind = RV_NM_PROPOSALS;
		return TRUE;
	case RVC_SETTING_FILE:
		*kind = RV_NM_FILE;
		return TRUE;
	case RVC_SETTING_FLAGS:
		*kind = RV_NM_FLAGS;
		return TRUE;
	case RVC_SETTING_LIST:
	case RVC_SETTING_SECRET:
		break;
	}
	return FALSE;
}

static void add_row(const RvcSetting *s)
{
	struct rv_nm_key *k = &keys[n_keys];

	if (!s->nm_key || !nm_kind(s->type, &k->kind))
		return;
	k->nm_key = s->nm_key;
	k->group = s->group;
	k->key = s->key;
	k->min = (unsigned int)s->min;
	k->max = (unsigned int)s->max;
	k->choices = k->kind == RV_NM_CHOICE ? nm_choices(s) : NULL;
	k->dflt = nm_default(k, s);
	n_keys++;
}

/* The table, made once from the library's (rvc-settings.h) and nm_only[]; kept for good. */
static void build(void)
{
	static gsize built;
	gsize n;
	const RvcSetting *all;

	if (!g_once_init_enter(&built))
		return;
	all = rvc_settings(&n);
	keys = g_new0(struct rv_nm_key, n + G_N_ELEMENTS(nm_only));
	for (gsize i = 0; i < n; i++)
		add_row(&all[i]);
	for (size_t i = 0; i < G_N_ELEMENTS(nm_only); i++)
		keys[n_keys++] = nm_only[i];
	g_once_init_leave(&built, 1);
}

/* Row I of the library's table when it is a secret with a vpn.secrets name, else NULL. */
static const RvcSetting *secret_row(size_t i)
{
	gsize n;
	const RvcSetting *all = rvc_settings(&n);

	return i < n && all[i].type == RVC_SETTING_SECRET && all[i].nm_key ? &all[i] : NULL;
}

G_DEFINE_QUARK(rv-nm-error-quark, rv_nm_error)

const struct rv_nm_key *rv_nm_keys(size_t *n)
{
	build();
	*n = n_keys;
	return keys;
}

const struct rv_nm_key *rv_nm_key_find(const char *nm_key)
{
	build();
	for (size_t i = 0; i < n_keys; i++) {
		if (!strcmp(keys[i].nm_key, nm_key))
			return &keys[i];
	}
	return NULL;
}

GHashTable *rv_nm_table_new(void)
{
	return g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

/* Checks by kind ----------------------------------------------------------- */

static gboolean printable(const char *v)
{
	for (const unsigned char *c = (const unsigned char *)v; *c; c++) {
		if (*c < 0x20 || *c == 0x7f)
			return FALSE;
	}
	return g_utf8_validate(v, -1, NULL);
}

static gboolean host_label_ok(const char *l, size_t len)
{
	if (len == 0 || len > 63 || l[0] == '-' || l[len - 1] == '-')
		return FALSE;
	for (size_t i = 0; i < len; i++) {
		if (!g_ascii_isalnum(l[i]) && l[i] != '-')
			return FALSE;
	}
	return TRUE;
}

static gboolean host_ok(const char *v)
{
	unsigned char buf[sizeof(struct in6_addr)];
	const char *l = v;

	if (inet_pton(AF_INET, v, buf) == 1 || inet_pton(AF_INET6, v, buf) == 1)
		return TRUE;
	if (!*v || strlen(v) > 253)
		return FALSE;
	for (const char *dot; (dot = strchr(l, '.')); l = dot + 1) {
		if (!host_label_ok(l, dot - l))
			return FALSE;
	}
	/* A trailing dot is a fully qualified name; all digits would be a bad address. */
	return (!*l || host_label_ok(l, strlen(l))) && strspn(v, "0123456789.") != strlen(v);
}

static gboolean uint_ok(const char *v, unsigned int min, unsigned int max)
{
	guint64 n;

	return *v && strlen(v) <= 10 && strspn(v, "0123456789") == strlen(v) &&
	       g_ascii_string_to_unsigned(v, 10, min, max, &n, NULL);
}

static gboolean proposals_ok(const char *v)
{
	return *v && strlen(v) <= MAX_PROPOSALS &&
	       strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_-,") == strlen(v) &&
	       !strstr(v, ",,") && v[0] != ',' && v[strlen(v) - 1] != ',';
}

static gboolean bool_value(const char *v, gboolean *ret)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true")) {
		*ret = TRUE;
		return TRUE;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false")) {
		*ret = FALSE;
		return TRUE;
	}
	return FALSE;
}

/* "nm=profile" pairs: the other side of V, or NULL. */
static const char *choice_map(const char *const *choices, const char *v, gboolean to_profile)
{
	for (const char *const *c = choices; *c; c++) {
		const char *eq = strchr(*c, '=');
		size_t nm_len = eq - *c;

		if (to_profile && strlen(v) == nm_len && !strncmp(*c, v, nm_len))
			return eq + 1;
		if (!to_profile && !strcmp(eq + 1, v))
			return *c;
	}
	return NULL;
}

static char *choice_list(const char *const *choices)
{
	GString *s = g_string_new(NULL);

	for (const char *const *c = choices; *c; c++)
		g_string_append_printf(s, "%s%.*s", s->len ? ", " : "",
				       (int)(strchr(*c, '=') - *c), *c);
	return g_string_free(s, FALSE);
}

/* The reason V is bad for K, or NULL when it is good. */
static char *value_problem(const struct rv_nm_key *k, const char *v)
{
	gboolean b;

	if (!printable(v))
		return g_strdup("has control characters or is not UTF-8");
	/* A key file would drop them: the value would not survive a round trip. */
	if (*v && (g_ascii_isspace(v[0]) || g_ascii_isspace(v[strlen(v) - 1])))
		return g_strdup("has leading or trailing spaces");
	switch (k->kind) {
	case RV_NM_TEXT:
		return strlen(v) > MAX_TEXT ? g_strdup("longer than 255 bytes") : NULL;
	case RV_NM_HOST:
		return host_ok(v) ? NULL : g_strdup_printf("'%s' is not a host name or address", v);
	case RV_NM_BOOL:
	case RV_NM_REFUSE:
		return bool_value(v, &b) ? NULL : g_strdup_printf("'%s' is not yes or no", v);
	case RV_NM_UINT:
		return uint_ok(v, k->min, k->max) ? NULL :
		       g_strdup_printf("'%s' is not a number from %u to %u", v, k->min, k->max);
	case RV_NM_CHOICE:
		if (choice_map(k->choices, v, TRUE))
			return NULL;
		{
			g_autofree char *list = choice_list(k->choices);

			return g_strdup_printf("'%s' is not one of %s", v, list);
		}
	case RV_NM_FILE:
		return g_path_is_absolute(v) && strlen(v) <= MAX_PATH ? NULL :
		       g_strdup_printf("'%s' is not an absolute file name", v);
	case RV_NM_PROPOSALS:
		return proposals_ok(v) ? NULL :
		       g_strdup("not a comma list of proposals such as aes256-sha256-modp2048");
	case RV_NM_FLAGS:
		return uint_ok(v, 0, 7) ? NULL : g_strdup_printf("'%s' is not secret flags (0-7)", v);
	}
	return g_strdup("unknown kind");
}

gboolean rv_nm_check_value(const char *nm_key, const char *value, GError **error)
{
	const struct rv_nm_key *k = rv_nm_key_find(nm_key);
	g_autofree char *problem = NULL;

	if (!k) {
		g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "vpn.data %.64s: unknown key",
			    nm_key);
		return FALSE;
	}
	problem = value_problem(k, value);
	if (problem)
		g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "vpn.data %s: %s", nm_key,
			    problem);
	return !problem;
}

/* vpn.data -> profile ------------------------------------------------------ */

static gboolean refused(GHashTable *data, const struct rv_nm_key *k)
{
	const char *v = g_hash_table_lookup(data, k->nm_key);
	gboolean b = FALSE;

	bool_value(v ? v : k->dflt, &b);
	return b;
}

static void refuse_to_profile(GKeyFile *kf, GHashTable *data)
{
	g_autoptr(GPtrArray) allowed = g_ptr_array_new();
	gboolean any = FALSE;

	build();
	for (size_t i = 0; i < n_keys; i++) {
		if (keys[i].kind != RV_NM_REFUSE)
			continue;
		any |= g_hash_table_contains(data, keys[i].nm_key);
		if (!refused(data, &keys[i]))
			g_ptr_array_add(allowed, (char *)keys[i].choices[0]);
	}
	/* None given: the profile's own default, which is the same set. */
	if (any) {
		g_autofree char *list = NULL;

		g_ptr_array_add(allowed, NULL);
		list = g_strjoinv(",", (char **)allowed->pdata);
		g_key_file_set_string(kf, "ppp", "auth", list);
	}
}

static void value_to_profile(GKeyFile *kf, const struct rv_nm_key *k, const char *v)
{
	gboolean b;

	switch (k->kind) {
	case RV_NM_BOOL:
		bool_value(v, &b);
		g_key_file_set_boolean(kf, k->group, k->key, b);
		return;
	case RV_NM_CHOICE:
		g_key_file_set_string(kf, k->group, k->key, choice_map(k->choices, v, TRUE));
		return;
	case RV_NM_FLAGS:
		/* Whatever NM does with a secret, roadvpnd gets it at connect time. */
		g_key_file_set_string(kf, k->group, k->key, "ask");
		return;
	case RV_NM_REFUSE:
		return;
	case RV_NM_TEXT:
	case RV_NM_HOST:
	case RV_NM_UINT:
	case RV_NM_FILE:
	case RV_NM_PROPOSALS:
		g_key_file_set_string(kf, k->group, k->key, v);
		return;
	}
}

static gboolean some_method_allowed(GHashTable *data, GError **error)
{
	build();
	for (size_t i = 0; i < n_keys; i++) {
		if (keys[i].kind == RV_NM_REFUSE && !refused(data, &keys[i]))
			return TRUE;
	}
	g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID,
		    "vpn.data refuse-mschapv2, refuse-chap, refuse-pap: every PPP method is refused");
	return FALSE;
}

/*
 * Every value, then what a connection needs: a gateway always, a user to
 * connect (an imported .pbk or PowerShell file has none: the editor asks).
 */
static gboolean check_all(GHashTable *data, gboolean need_user, GError **error)
{
	GHashTableIter it;
	gpointer key, value;

	g_hash_table_iter_init(&it, data);
	while (g_hash_table_iter_next(&it, &key, &value)) {
		if (!rv_nm_check_value(key, value, error))
			return FALSE;
	}
	for (const char *const *req = (const char *const[]){ "gateway", need_user ? "user" : NULL,
							      NULL };
	     *req; req++) {
		const char *v = g_hash_table_lookup(data, *req);

		if (!v || !*v) {
			g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "vpn.data %s: missing",
				    *req);
			return FALSE;
		}
	}
	return some_method_allowed(data, error);
}

GKeyFile *rv_nm_data_to_keyfile(GHashTable *data, GError **error)
{
	g_autoptr(GKeyFile) kf = g_key_file_new();

	g_key_file_set_list_separator(kf, ',');
	if (!check_all(data, TRUE, error))
		return NULL;
	for (size_t i = 0; i < n_keys; i++) {
		const char *v = g_hash_table_lookup(data, keys[i].nm_key);

		if (keys[i].group && v && *v)
			value_to_profile(kf, &keys[i], v);
	}
	refuse_to_profile(kf, data);
	return g_steal_pointer(&kf);
}

/* profile -> vpn.data ------------------------------------------------------ */

static gboolean profile_invalid(GError **error, const struct rv_nm_key *k, const char *why)
{
	g_set_error(error, RV_NM_ERROR, RV_NM_ERROR_INVALID, "[%s] %s: %s", k->group, k->key,
		    why);
	return FALSE;
}

static gboolean refuse_from_profile(GKeyFile *kf, const struct rv_nm_key *k, GHashTable *data,
				    GError **error)
{
	g_autofree char *text = g_key_file_get_string(kf, "ppp", "auth", NULL);
	g_auto(GStrv) list = NULL;
	gboolean allowed = FALSE, dflt_refused;

	/* Profiles separate lists with ',' (profile.c), whatever KF's separator. */
	if (!text)
		return TRUE;
	list = g_strsplit(text, ",", 8);
	for (char **m = list; *m; m++) {
		const char *name = g_strstrip(*m);

		if (strcmp(name, "mschapv2") && strcmp(name, "chap") && strcmp(name, "pap"))
			return profile_invalid(error, k, "unknown method (use mschapv2, chap, pap)");
		allowed |= !strcmp(name, k->choices[0]);
	}
	bool_value(k->dflt, &dflt_refused);
	if (allowed == dflt_refused)
		g_hash_table_insert(data, g_strdup(k->nm_key), g_strdup(allowed ? "no" : "yes"));
	return TRUE;
}

/* The vpn.data form of profile value V for K (NULL: not representable). */
static char *value_from_profile(const struct rv_nm_key *k, const char *v)
{
	gboolean b;
	const char *c;

	switch (k->kind) {
	case RV_NM_BOOL:
		return bool_value(v, &b) ? g_strdup(b ? "yes" : "no") : NULL;
	case RV_NM_CHOICE:
		c = choice_map(k->choices, v, FALSE);
		return c ? g_strndup(c, strchr(c, '=') - c) : NULL;
	case RV_NM_FLAGS:
		/* A secret stored in the file becomes NM's saved secret; "ask", the agent's. */
		if (!strcmp(v, "stored"))
			return g_strdup("0");
		return !strcmp(v, "ask") ? g_strdup("1") : NULL;
	case RV_NM_REFUSE:
		return NULL;
	case RV_NM_TEXT:
	case RV_NM_HOST:
	case RV_NM_UINT:
	case RV_NM_FILE:
	case RV_NM_PROPOSALS:
		return g_strdup(v);
	}
	return NULL;
}

static gboolean key_from_profile(GKeyFile *kf, const struct rv_nm_key *k, GHashTable *data,
				 GError **error)
{
	g_autofree char *v = NULL;
	g_autofree char *nm_value = NULL;
	g_autofree char *problem = NULL;

	if (k->kind == RV_NM_REFUSE)
		return refuse_from_profile(kf, k, data, error);
	v = g_key_file_get_string(kf, k->group, k->key, NULL);
	if (!v || !*(g_strstrip(v)))
		return TRUE;
	nm_value = value_from_profile(k, v);
	problem = nm_value ? value_problem(k, nm_value) : g_strdup_printf("'%s' is not valid", v);
	if (problem)
		return profile_invalid(error, k, problem);
	g_hash_table_insert(data, g_strdup(k->nm_key), g_steal_pointer(&nm_value));
	return TRUE;
}

static void secrets_from_profile(GKeyFile *kf, GHashTable *out)
{
	gsize n;

	rvc_settings(&n);
	for (size_t i = 0; i < n; i++) {
		const RvcSetting *r = secret_row(i);
		char *v = r ? g_key_file_get_string(kf, r->group, r->key, NULL) : NULL;

		if (v && *v)
			g_hash_table_insert(out, g_strdup(r->nm_key), v);
		else
			g_free(v);
	}
}

GHashTable *rv_nm_keyfile_to_data(GKeyFile *kf, GHashTable **secrets_out, GError **error)
{
	g_autoptr(GHashTable) data = rv_nm_table_new();

	build();
	for (size_t i = 0; i < n_keys; i++) {
		if (keys[i].group && !key_from_profile(kf, &keys[i], data, error))
			return NULL;
	}
	/* An L2TP secret or key password in the file is a saved secret of the connection. */
	if (g_key_file_has_key(kf, "l2tp", "secret", NULL))
		g_hash_table_insert(data, g_strdup("l2tp-secret-flags"), g_strdup("0"));
	if (g_key_file_has_key(kf, "ipsec", "key-password", NULL))
		g_hash_table_insert(data, g_strdup("machine-certpass-flags"), g_strdup("0"));
	if (!check_all(data, FALSE, error))
		return NULL;
	if (secrets_out) {
		*secrets_out = rv_nm_table_new();
		secrets_from_profile(kf, *secrets_out);
	}
	return g_steal_pointer(&data);
}

/* Secrets ------------------------------------------------------------------- */

guint rv_nm_secret_flags(GHashTable *data, const char *secret)
{
	g_autofree char *key = g_strdup_printf("%s-flags", secret);
	const char *v = g_hash_table_lookup(data, key);
	guint64 n;

	if (!v || !g_ascii_string_to_unsigned(v, 10, 0, 7, &n, NULL))
		return RV_NM_FLAG_NONE;
	return (guint)n;
}

static gboolean data_bool(GHashTable *data, const char *nm_key)
{
	const struct rv_nm_key *k = rv_nm_key_find(nm_key);
	const char *v = g_hash_table_lookup(data, nm_key);
	gboolean b = FALSE;

	bool_value(v ? v : k->dflt, &b);
	return b;
}

static gboolean needs_psk(GHashTable *data)
{
	const char *auth = g_hash_table_lookup(data, "machine-auth-type");

	return data_bool(data, "ipsec-enabled") && (!auth || !strcmp(auth, "psk"));
}

/* An optional secret is needed once its flags say the connection has one. */
static gboolean has_optional(GHashTable *data, const char *secret)
{
	g_autofree char *key = g_strdup_printf("%s-flags", secret);

	return g_hash_table_contains(data, key) &&
	       !(rv_nm_secret_flags(data, secret) & RV_NM_FLAG_NOT_REQUIRED);
}

GStrv rv_nm_needed_secrets(GHashTable *data)
{
	g_autoptr(GStrvBuilder) b = g_strv_builder_new();

	if (!(rv_nm_secret_flags(data, RV_NM_SECRET_PASSWORD) & RV_NM_FLAG_NOT_REQUIRED))
		g_strv_builder_add(b, RV_NM_SECRET_PASSWORD);
	if (needs_psk(data) && !(rv_nm_secret_flags(data, RV_NM_SECRET_PSK) & RV_NM_FLAG_NOT_REQUIRED))
		g_strv_builder_add(b, RV_NM_SECRET_PSK);
	if (has_optional(data, RV_NM_SECRET_L2TP))
		g_strv_builder_add(b, RV_NM_SECRET_L2TP);
	if (data_bool(data, "ipsec-enabled") && !needs_psk(data) &&
	    has_optional(data, RV_NM_SECRET_CERTPASS))
		g_strv_builder_add(b, RV_NM_SECRET_CERTPASS);
	return g_strv_builder_end(b);
}

const char *rv_nm_secret_option(const char *nm_secret)
{
	gsize n;

	rvc_settings(&n);
	for (size_t i = 0; i < n; i++) {
		const RvcSetting *r = secret_row(i);

		if (r && !strcmp(r->nm_key, nm_secret))
			return r->secret_kind;
	}
	return NULL;
}
