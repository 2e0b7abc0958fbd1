#pragma once
/*
 * roadvpn's converter: other platforms' VPN settings in, roadvpn profiles
 * out, and back.
 *
 * Import reads NetworkManager-l2tp connections (keyfile or `nmcli
 * connection export`), Windows phonebook entries (rasphone.pbk) and the
 * PowerShell lines helpdesks publish (Add-VpnConnection,
 * Set-VpnConnectionIPsecConfiguration, Add-VpnConnectionRoute), and Apple
 * configuration profiles (.mobileconfig: XML or binary property list,
 * signed with CMS or not). The format is told from the content, never from
 * a file name.
 *
 * What comes out, per connection:
 *  - the profile as key-file text (docs/profile.md), with no secret in it;
 *  - the secrets found, apart ("psk", "password", "l2tp-secret",
 *    "key-password"), so the caller puts them where roadvpn keeps secrets
 *    (the helper's store, the user's keyring), never into a file others
 *    can read;
 *  - files the profile refers to that the source carried inline (an Apple
 *    PKCS#12 payload): bytes plus the profile key to point at them;
 *  - notes: what was taken, what was left out and why. A value the source
 *    does not hold is never made up: it is left to roadvpn's default and
 *    the note says so.
 * Something that cannot be mapped at all (an IKEv2 connection, EAP-TLS) is
 * an error naming the source field, and nothing is returned.
 *
 * Pure C (libc, libplist, OpenSSL's libcrypto); no GLib, no D-Bus, no
 * access to roadvpnd. Every reader is bounded: RV_IMPORT_MAX_SIZE bytes,
 * RV_IMPORT_MAX_LINE bytes a line, RV_IMPORT_MAX_DEPTH levels of nesting.
 * Functions return 0 or a negative errno; on failure *error (if given)
 * gets one malloc'd line for the user, free() it.
 */
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RV_IMPORT_MAX_SIZE (1024 * 1024)
#define RV_IMPORT_MAX_LINE 4096
#define RV_IMPORT_MAX_DEPTH 16
#define RV_IMPORT_MAX_CONNECTIONS 64

enum rv_import_format {
	RV_FORMAT_UNKNOWN,
	RV_FORMAT_ROADVPN,        /* roadvpn's own profile: passed through */
	RV_FORMAT_NM_L2TP,        /* NM keyfile or `nmcli connection export` */
	RV_FORMAT_PBK,            /* Windows rasphone.pbk */
	RV_FORMAT_POWERSHELL,     /* Add-VpnConnection ... lines */
	RV_FORMAT_MOBILECONFIG,   /* Apple configuration profile */
};

enum rv_import_note_kind {
	RV_NOTE_TAKEN,            /* mapped onto a roadvpn key */
	RV_NOTE_LEFT_OUT,         /* not carried over; text says why */
	RV_NOTE_INFO,             /* about the file: signer, skipped entries */
};

struct rv_import_note {
	enum rv_import_note_kind kind;
	char *field;              /* the source's name for it, e.g. "ipsec-esp" */
	char *text;               /* never holds a secret value */
};

struct rv_import_secret {
	char *name;               /* "psk", "password", "l2tp-secret", "key-password" */
	char *value;              /* wiped on free */
};

struct rv_import_file {
	char *key;                /* profile key that must name it, e.g. "ipsec.cert" */
	char *suggested_name;     /* e.g. "office.p12", "office-ca.pem" */
	unsigned char *data;      /* a NUL follows the len bytes */
	size_t len;
	bool secret;              /* holds a private key: store like a secret */
};

struct rv_import_conn {
	char *name;               /* display name from the source */
	char *profile_text;       /* key file, no secret in it */
	struct rv_import_secret *secrets;
	size_t n_secrets;
	struct rv_import_file *files;
	size_t n_files;
	struct rv_import_note *notes;
	size_t n_notes;
	char **missing;           /* required keys the source lacks ("ppp.user"); NULL-terminated */
};

struct rv_import_result {
	enum rv_import_format format;
	char *format_detail;      /* e.g. "binary property list, CMS-signed" */
	struct rv_import_conn *conns;
	size_t n_conns;
	struct rv_import_note *notes;   /* about the file as a whole */
	size_t n_notes;
};

struct rv_import_options {
	const char *entry;        /* import only this entry/connection name */
	const char *user;         /* [ppp] user when the source has none (.pbk) */
	const char *trust_store;  /* CA file for CMS signatures; NULL: the system's */
};

const char *rv_import_format_name(enum rv_import_format f);
enum rv_import_format rv_import_detect(const void *data, size_t len);

/* Parse data; *ret is freed with rv_import_result_free(). */
int rv_import_data(const void *data, size_t len, const struct rv_import_options *opts,
		   struct rv_import_result **ret, char **error);
void rv_import_result_free(struct rv_import_result *r);

/*
 * The key file with the secrets merged in, for a caller that hands it to
 * the helper's store (root, 0600) in one step. Wipe and free it.
 */
char *rv_import_text_with_secrets(const struct rv_import_conn *c);

/*
 * Set "section.key" in c's profile text (the user name a .pbk lacks, the
 * path where the caller saved an inline file); an empty value removes the
 * key. The key leaves c->missing. Secrets go through c->secrets instead.
 */
int rv_import_set(struct rv_import_conn *c, const char *key, const char *value, char **error);

/* A profile name the helper's store takes ([A-Za-z0-9._-], 1..64) from c->name. */
char *rv_import_suggest_name(const struct rv_import_conn *c);

/* The report as lines a person reads ("took", "left out", "note"). */
char *rv_import_report(const struct rv_import_result *r);

/*
 * Export: a roadvpn profile (key-file text; secrets as in the file, or
 * given apart in secrets[]) in another platform's format. Notes tell what
 * the target cannot hold. *ret_data is malloc'd, *ret_len its size.
 */
enum rv_export_format {
	RV_EXPORT_NM_L2TP,        /* a NetworkManager keyfile (.nmconnection) */
	RV_EXPORT_MOBILECONFIG,   /* an unsigned XML .mobileconfig */
	RV_EXPORT_PBK,            /* a rasphone.pbk entry */
};

int rv_export_format_from_name(const char *name, enum rv_export_format *ret);
int rv_export(const char *profile_text, size_t len, const struct rv_import_secret *secrets,
	      size_t n_secrets, enum rv_export_format fmt, char **ret_data, size_t *ret_len,
	      struct rv_import_note **ret_notes, size_t *ret_n_notes, char **error);
void rv_import_notes_free(struct rv_import_note *notes, size_t n);

#ifdef __cplusplus
}
#endif
