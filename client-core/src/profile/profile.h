#pragma once
/*
 * Connection profiles: one GKeyFile per connection (format in DESIGN.md).
 * Loading validates every field and reports the first bad one by name, so
 * a user reads "[ppp] auth: unknown method 'mschap'" rather than a silent
 * default. Secrets are held as struct rv_secret and never printed.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/secret.h"

#define PROFILE_MAX_ROUTES 64

enum profile_secret_flag {
	PROFILE_SECRET_STORED,   /* kept in the profile file (root-only) */
	PROFILE_SECRET_ASK,      /* supplied at connect time */
};

enum profile_ipv6 {
	PROFILE_IPV6_AUTO,
	PROFILE_IPV6_OFF,
};

struct profile_route {
	uint32_t dst;            /* network byte order */
	uint8_t prefix_len;
};

struct profile {
	/* [connection] */
	char *name;
	char *gateway;
	bool reconnect;
	char **allowed_users;    /* NULL-terminated; NULL = any allowed by polkit */
	char *interface_name;    /* TUN name hint; default "rvpn%d" */

	/* [ipsec] */
	bool ipsec_enabled;
	char *ipsec_auth;        /* psk | cert (validated; used by the IPsec part) */
	char *ipsec_mode;        /* main | aggressive */
	char *local_id;
	struct rv_secret *psk;
	enum profile_secret_flag psk_flag;
	char *ike_proposals;
	char *esp_proposals;
	char *pfs;
	char *ca_file, *cert_file, *key_file;
	struct rv_secret *key_password;  /* PKCS#12 or encrypted PEM key */
	enum profile_secret_flag key_password_flag;
	bool allow_wildcard;             /* accept *.example.com in the gateway's SAN */
	char *remote_id;
	bool force_encap;
	bool allow_legacy;       /* automatic proposals may offer 3DES, MD5, MODP1024 */
	bool nat_traversal;      /* announce NAT-T (default); false: raw ESP only */
	uint32_t ike_lifetime;   /* seconds we propose; 0 = the IKE default (8 h) */
	uint32_t esp_lifetime;   /* seconds; 0 = the IKE default (1 h) */
	uint32_t dpd_delay;      /* seconds without traffic before DPD probes; 0 = 30 */

	/* [l2tp] */
	char *l2tp_hostname;
	struct rv_secret *l2tp_secret;

	/* [ppp] */
	char *user;
	struct rv_secret *password;
	enum profile_secret_flag password_flag;
	unsigned int auth_methods;   /* PPP_AUTH_* bit set from ppp.h */
	uint16_t mtu, mru;

	/* [ip] */
	bool default_route;
	struct profile_route routes[PROFILE_MAX_ROUTES];
	size_t n_routes;
	bool dns;
	enum profile_ipv6 ipv6;
	bool kill_switch;        /* fail closed while active: only the tunnel and IKE/ESP leave */
	bool allow_lan;          /* with kill_switch: the local networks stay reachable */

	/* [debug] */
	char *debug_log;         /* components for debug logging, e.g. "l2tp,ppp" */
};

#define PROFILE_ERROR (profile_error_quark())
GQuark profile_error_quark(void);

enum profile_error_code {
	PROFILE_ERROR_INVALID,   /* message names the group, key and reason */
	PROFILE_ERROR_IO,
};

/*
 * The machine-readable part of a PROFILE_ERROR message (and of the
 * InvalidProfile and Failed errors roadvpnd makes itself), so that a front
 * end can say it in the user's language: the message begins with
 *   {problem=ID setting=GROUP.KEY NAME=VALUE ...} English sentence
 * (the interface XML's org.roadvpn.Contract.ProfileProblems documents the
 * ids and parameters). setting and the parameters are only plain words and
 * numbers: never a value from the profile, which may be a secret.
 */
extern const char *const profile_problems[];   /* the ids, NULL-terminated */
/* A group or key name of 1-24 letters, digits, '-' and '_' (safe to echo). */
bool profile_plain_name(const char *s, size_t n);
/* "{problem=... } " for ID at group/key (either may be NULL), params "min=1 max=2" or NULL. */
char *profile_problem_tag(const char *id, const char *group, const char *key, const char *params);
/* The English sentence of a message, after its tag if it has one. */
const char *profile_problem_sentence(const char *message);
/* g_prefix_error() for a tagged message: prefix goes before the sentence, the tag stays first. */
void profile_problem_prefix(GError *error, const char *prefix);
/* Sets PROFILE_ERROR_INVALID: the tag, then fmt. Returns FALSE. */
gboolean profile_invalid(GError **error, const char *id, const char *group, const char *key,
			 const char *params, const char *fmt, ...) G_GNUC_PRINTF(6, 7);

/*
 * Bounds on a profile: a file or text past any of them is refused before it
 * is parsed, so a 20 MB "profile" costs nothing to store or to list.
 */
#define PROFILE_MAX_SIZE (64 * 1024)   /* bytes of key-file text */
#define PROFILE_MAX_KEYS 128           /* key=value lines */
#define PROFILE_MAX_VALUE 4096         /* bytes of one value */

/*
 * The secrets a profile may hold: the one table that says what is secret.
 * Loading, storing ("ask" drops them), the public text, Connect options,
 * the NeedsSecrets kinds and roadvpnd's --NAME-file options all use it.
 */
struct profile_secret_key {
	const char *group, *key;   /* where the key file holds it */
	const char *flag_key;      /* its stored|ask flag, or NULL (always stored) */
	const char *name;          /* Connect option, needed-secret kind, --NAME-file */
	size_t slot;               /* offsetof its struct rv_secret * in struct profile */
	size_t flag_slot;          /* offsetof its enum profile_secret_flag (with flag_key) */
};

extern const struct profile_secret_key profile_secret_keys[];
extern const size_t profile_n_secret_keys;

/* The entry for a key file location / a secret's name; NULL when not a secret. */
const struct profile_secret_key *profile_secret_at(const char *group, const char *key);
const struct profile_secret_key *profile_secret_named(const char *name);

/*
 * Text to GKeyFile, the only way in: bounded (size, keys, value length),
 * UTF-8 checked, duplicate groups and keys refused (GKeyFile keeps both and
 * answers with one of them). Errors name the line and what is wrong but
 * never echo the line: it may hold a secret.
 */
GKeyFile *profile_keyfile_parse(const char *data, gsize len, GKeyFileFlags flags,
				GError **error);
/* The same for a file, read with the size bound; the text is wiped after use. */
GKeyFile *profile_keyfile_load(const char *path, GError **error);
/* Every value that is not a secret unescapes to one line of UTF-8 text. */
gboolean profile_keyfile_check_values(GKeyFile *kf, GError **error);
/*
 * Set "group"/"key" to value as a profile edit: the group and key must be
 * known, and a secret must fit the stored-secret rule (docs/profile.md:
 * taken as written, so no backslash, no surrounding space, no control
 * character). An empty value removes the key.
 */
gboolean profile_keyfile_set(GKeyFile *kf, const char *group, const char *key, const char *value,
			     GError **error);
/*
 * The profile as key-file text for anyone to read: only the known keys that
 * are not secrets are copied (no comments, nothing unknown). *ret_stored
 * names the secrets the key file holds.
 */
char *profile_public_text(GKeyFile *kf, GStrv *ret_stored);

/* Parse from memory / a file. NULL + error with the field and the reason. */
struct profile *profile_load_data(const char *data, gsize len, GError **error);
struct profile *profile_load_file(const char *path, GError **error);
/* From a key file that profile_keyfile_parse/_load made. */
struct profile *profile_from_keyfile(GKeyFile *kf, GError **error);
void profile_free(struct profile *p);
typedef struct profile RvProfile;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RvProfile, profile_free)

/* The profile's field for a secret of the table. */
struct rv_secret **profile_secret_slot(struct profile *p, const struct profile_secret_key *k);

/* A PKCS#12 bundle always has a password; a PEM key has one when key-password-flags=ask. */
bool profile_needs_key_password(const struct profile *p);
/* Which secrets must still be supplied before connecting ("psk", "key-password", "password"). */
GStrv profile_missing_secrets(const struct profile *p);
/* Provide a secret at connect time; name is a profile_secret_keys[] name. */
gboolean profile_set_secret(struct profile *p, const char *name, const char *value, GError **error);

/* Parse "10.0.0.0/8" (prefix defaults to 32). */
gboolean profile_parse_route(const char *text, struct profile_route *ret, GError **error);
