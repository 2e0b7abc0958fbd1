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
	bool allow_wildcard;             /* accept *.example.com in the gateway's SAN */
	char *remote_id;
	bool force_encap;
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

	/* [debug] */
	char *debug_log;         /* components for debug logging, e.g. "l2tp,ppp" */
};

#define PROFILE_ERROR (profile_error_quark())
GQuark profile_error_quark(void);

enum profile_error_code {
	PROFILE_ERROR_INVALID,   /* message names the group, key and reason */
	PROFILE_ERROR_IO,
};

/* Parse from memory / a file. NULL + error with the field and the reason. */
struct profile *profile_load_data(const char *data, gsize len, GError **error);
struct profile *profile_load_file(const char *path, GError **error);
void profile_free(struct profile *p);
typedef struct profile RvProfile;
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RvProfile, profile_free)

/* Which secrets must still be supplied before connecting ("psk", "password"). */
GStrv profile_missing_secrets(const struct profile *p);
/* Provide a secret at connect time; name is "psk", "password" or "l2tp-secret". */
gboolean profile_set_secret(struct profile *p, const char *name, const char *value, GError **error);

/* Parse "10.0.0.0/8" (prefix defaults to 32). */
gboolean profile_parse_route(const char *text, struct profile_route *ret, GError **error);
