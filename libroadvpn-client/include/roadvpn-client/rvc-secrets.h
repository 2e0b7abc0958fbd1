#pragma once
/*
 * Secrets: their kinds, the secret-file rule, and the options of a
 * connect (the secrets given for one connection and the network flag).
 *
 * A secret kind is roadvpnd's name for a secret; it is also the name of
 * the Connect option that carries it for one connection. The kinds known
 * today are the RVC_SECRET_* below; a newer helper may ask for others:
 * handle kinds generically (ask with rvc_secret_kind_label(), pass them on
 * with rvc_connect_options_set_secret()), never with a closed switch.
 */
#include <glib.h>

G_BEGIN_DECLS

#define RVC_SECRET_PASSWORD "password"          /* [ppp] password */
#define RVC_SECRET_PSK "psk"                    /* [ipsec] psk */
#define RVC_SECRET_L2TP_SECRET "l2tp-secret"    /* [l2tp] secret */
#define RVC_SECRET_KEY_PASSWORD "key-password"  /* [ipsec] key-password (PKCS#12 / key) */

/* "psk" -> "IPsec pre-shared key"; an unknown kind is returned as it is. */
const char *rvc_secret_kind_label(const char *kind);

/*
 * Read a secret from a file: the rule roadvpnd's --password-file and
 * --psk-file use too. The file's bytes are the secret, except that one
 * line ending at the very end is dropped ("\n", "\r\n" or a lone "\r").
 * Nothing else is trimmed (spaces belong to the secret). Refused with
 * RVC_ERROR_BAD_SECRET_FILE: empty, longer than 4096 bytes, a NUL byte, a
 * line break inside. A file that cannot be read: G_FILE_ERROR. Pipes and
 * /dev/stdin work. Free the result with rvc_secret_free().
 */
char *rvc_secret_file_read(const char *path, GError **error);
/* Wipe and free a secret string (NULL is fine). */
void rvc_secret_free(char *secret);

/*
 * The options of one connect. Secrets given here are for this connection
 * only (never stored); the library keeps its own copies and wipes them.
 */
typedef struct _RvcConnectOptions RvcConnectOptions;

RvcConnectOptions *rvc_connect_options_new(void);
void rvc_connect_options_free(RvcConnectOptions *options);
/* Give a secret of `kind`; NULL or "" takes a given one back. */
void rvc_connect_options_set_secret(RvcConnectOptions *options, const char *kind,
				    const char *value);
gboolean rvc_connect_options_has_secret(const RvcConnectOptions *options, const char *kind);
/*
 * TRUE (the default): roadvpnd sets up addresses, routes and DNS. FALSE: it
 * brings the tunnel up and leaves the host network to the caller (the
 * NetworkManager plugin), which reads them from the RvcConnection.
 */
void rvc_connect_options_set_configure_network(RvcConnectOptions *options, gboolean configure);
/*
 * Connect a profile the caller owns instead of the system profile of that
 * name (the NetworkManager plugin: NetworkManager keeps the settings):
 * `keyfile` is its text (docs/profile.md, no secrets needed in it), which
 * roadvpnd validates as it validates AddProfile and never stores. The name
 * given to connect may not be a system profile's (RVC_ERROR_EXISTS). Needs
 * root or polkit org.roadvpn.manage; the connection ends when the caller
 * leaves the bus. NULL: the system profile (the default).
 */
void rvc_connect_options_set_profile_text(RvcConnectOptions *options, const char *keyfile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(RvcConnectOptions, rvc_connect_options_free)

/*
 * A request for secrets during rvc_client_connect(): roadvpnd named the
 * kinds it still needs. The secrets callback answers it, at once or later
 * from the main loop (e.g. after a dialog), by setting each secret and
 * then calling exactly one of rvc_secrets_request_done() or
 * rvc_secrets_request_cancel(). The request is freed by that call.
 */
typedef struct _RvcSecretsRequest RvcSecretsRequest;

/* The profile being connected. */
const char *rvc_secrets_request_get_profile(const RvcSecretsRequest *request);
/* The kinds roadvpnd needs, NULL-terminated, in its order (e.g. {"psk", "password"}). */
const char *const *rvc_secrets_request_get_kinds(const RvcSecretsRequest *request);
/* Answer one kind (copied; wiped later). */
void rvc_secrets_request_set(RvcSecretsRequest *request, const char *kind, const char *value);
/* Retry the connect with the secrets set. */
void rvc_secrets_request_done(RvcSecretsRequest *request);
/* Give up: the connect fails with RVC_ERROR_NEEDS_SECRETS. */
void rvc_secrets_request_cancel(RvcSecretsRequest *request);

typedef void (*RvcSecretsFunc)(RvcSecretsRequest *request, gpointer user_data);

G_END_DECLS
