#pragma once
/*
 * The one table between NetworkManager's vpn.data and a roadvpn profile.
 *
 * NetworkManager keeps a VPN connection's settings as string pairs
 * (vpn.data) and its secrets apart (vpn.secrets); roadvpnd takes a profile
 * (GKeyFile, docs/profile.md) plus secrets as connect options. Every key
 * known on both sides is one row of rv_nm_keys[]: the service, the editor's
 * import/export and the tests all go through it, so the two sides cannot
 * drift. The rows are made from the client library's settings table
 * (<roadvpn-client/rvc-settings.h>, whose nm_key field is the vpn.data
 * name) plus the keys only NetworkManager has (refuse-*, the flags of the
 * L2TP secret and the key password). Keys a NetworkManager-l2tp user knows
 * keep NM-l2tp's name where they mean the same thing (gateway, user,
 * ipsec-enabled, ipsec-remote-id, ipsec-ike, ipsec-esp, ipsec-forceencaps,
 * mtu, mru, refuse-pap, ...).
 *
 * Nothing from vpn.data is trusted: every value is checked here, an unknown
 * key is an error, and each error names the field ("vpn.data mtu: ...").
 * roadvpnd validates the resulting profile once more, as for AddProfile.
 *
 * GLib and the client library only (no libnm), so it is shared by the
 * service, the editor and the unit tests without pulling NetworkManager
 * into them.
 */
#include <glib.h>

#define RV_NM_SERVICE "org.freedesktop.NetworkManager.roadvpn"
#define RV_NM_VPN_TYPE "roadvpn"

/* Secret names in vpn.secrets (NM-l2tp's names). */
#define RV_NM_SECRET_PASSWORD "password"
#define RV_NM_SECRET_PSK "ipsec-psk"
#define RV_NM_SECRET_L2TP "l2tp-secret"
#define RV_NM_SECRET_CERTPASS "machine-certpass"   /* the IPsec key's password */

/* NetworkManager's NMSettingSecretFlags, mirrored so this stays free of libnm. */
enum rv_nm_secret_flags {
	RV_NM_FLAG_NONE = 0,           /* saved by NetworkManager (system secret) */
	RV_NM_FLAG_AGENT_OWNED = 1,    /* kept by the user's agent (keyring) */
	RV_NM_FLAG_NOT_SAVED = 2,      /* asked at every connect */
	RV_NM_FLAG_NOT_REQUIRED = 4,   /* not needed */
};

enum rv_nm_kind {
	RV_NM_TEXT,       /* printable, at most 255 bytes */
	RV_NM_HOST,       /* host name or IPv4/IPv6 address */
	RV_NM_BOOL,       /* vpn.data yes|no, profile true|false */
	RV_NM_UINT,       /* decimal in [min, max] */
	RV_NM_CHOICE,     /* one of choices[], "nm-value=profile-value" or "same" */
	RV_NM_FILE,       /* absolute path */
	RV_NM_PROPOSALS,  /* comma list of tokens [a-z0-9_-] */
	RV_NM_REFUSE,     /* yes: [ppp] auth lacks choices[0]; absent: dflt */
	RV_NM_FLAGS,      /* secret flags 0..7; profile "ask" or "stored" */
};

struct rv_nm_key {
	const char *nm_key;
	const char *group, *key;     /* profile side; NULL: no profile key */
	enum rv_nm_kind kind;
	unsigned int min, max;
	const char *const *choices;
	const char *dflt;            /* vpn.data value meant when the key is absent */
};

/* The table, in the order the editor and export write it. */
const struct rv_nm_key *rv_nm_keys(size_t *n);
const struct rv_nm_key *rv_nm_key_find(const char *nm_key);

#define RV_NM_ERROR (rv_nm_error_quark())
GQuark rv_nm_error_quark(void);
enum rv_nm_error_code {
	RV_NM_ERROR_INVALID,         /* the message names the field and the reason */
};

/* One vpn.data value; the error reads "vpn.data KEY: reason". */
gboolean rv_nm_check_value(const char *nm_key, const char *value, GError **error);

/*
 * vpn.data (char * -> char *) to a profile for roadvpnd. Every key is
 * checked; gateway and user are required. Secret flags become "ask": the
 * secrets travel as connect options, never in the profile text.
 */
GKeyFile *rv_nm_data_to_keyfile(GHashTable *data, GError **error);

/*
 * A profile to vpn.data (import). Keys without a row ([connection] name,
 * [ip], secrets) are the caller's; the profile's secrets, if stored there,
 * are returned in *secrets under their vpn.secrets names (may be NULL).
 * The user may be missing (a .pbk names none); the gateway may not.
 * A bad value names the profile field: "[ppp] mtu: reason".
 */
GHashTable *rv_nm_keyfile_to_data(GKeyFile *kf, GHashTable **secrets, GError **error);

/* A new char * -> char * table, as the two functions above use. */
GHashTable *rv_nm_table_new(void);

/* The flags of a secret ("password" reads "password-flags"); 0 when absent or bad. */
guint rv_nm_secret_flags(GHashTable *data, const char *secret);

/*
 * The secrets a connect needs, by vpn.secrets name: the PPP password
 * always, the PSK when IPsec with PSK is on, the L2TP secret only when the
 * connection has one (l2tp-secret-flags present), the key's password only
 * with a certificate and machine-certpass-flags present; each unless its
 * flags say NOT_REQUIRED. NULL-terminated.
 */
GStrv rv_nm_needed_secrets(GHashTable *data);

/* The roadvpnd connect option for a vpn.secrets name ("ipsec-psk" -> "psk"). */
const char *rv_nm_secret_option(const char *nm_secret);
