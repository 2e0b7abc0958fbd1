#pragma once
/*
 * RvcConnection: one connection of roadvpnd (a live or just finished
 * /org/roadvpn/Helper1/Connection/N), its state and what it set up. Get
 * one from rvc_client_connect() or rvc_client_get_connection().
 *
 * Properties are cached and kept current by roadvpnd's PropertiesChanged
 * (statistics refresh every second while up); ::changed tells that some
 * changed. When the roadvpnd that ran the connection goes away (it exited
 * or was restarted), the object is "gone": ::changed fires once more,
 * rvc_connection_is_gone() is TRUE and the getters return empty values.
 * roadvpnd keeps a finished connection on the bus for 30 seconds.
 */
#include <gio/gio.h>

#include <roadvpn-client/rvc-phase.h>

G_BEGIN_DECLS

#define RVC_TYPE_CONNECTION (rvc_connection_get_type())
G_DECLARE_FINAL_TYPE(RvcConnection, rvc_connection, RVC, CONNECTION, GObject)

/* Why a connection failed: ids from rvc-phase.h and roadvpnd's sentence. */
typedef struct {
	const char *phase;    /* the phase id it failed in, e.g. "ppp-auth" */
	const char *reason;   /* the reason id, e.g. "auth-failed" */
	const char *message;  /* e.g. "PPP: MS-CHAPv2 rejected (E=691): wrong user name or password" */
} RvcFailure;

typedef struct {
	guint64 bytes_in, bytes_out, packets_in, packets_out;
} RvcStatistics;

/* "/org/roadvpn/Helper1/Connection/3": the same object for every client. */
const char *rvc_connection_get_path(RvcConnection *connection);
const char *rvc_connection_get_profile(RvcConnection *connection);
/* The uid that connected it. */
guint rvc_connection_get_owner(RvcConnection *connection);
/* The phase id (State), "" when gone. */
const char *rvc_connection_get_state(RvcConnection *connection);
RvcPhase rvc_connection_get_phase(RvcConnection *connection);
/*
 * TRUE and *failure filled (borrowed strings) when the connection failed;
 * FALSE and "" strings otherwise.
 */
gboolean rvc_connection_get_last_error(RvcConnection *connection, RvcFailure *failure);
/* roadvpnd's exit status for the failure (3..9, the README's table), 0 if none. */
int rvc_connection_get_exit_code(RvcConnection *connection);
/* The TUN device ("rvpn0"), our address and the peer's, "" before netconfig. */
const char *rvc_connection_get_interface(RvcConnection *connection);
const char *rvc_connection_get_address(RvcConnection *connection);
const char *rvc_connection_get_peer_address(RvcConnection *connection);
/*
 * Once IPv6CP is up (it may open after the connection is up, or never):
 * our link-local address ("fe80::cb00:7101:0:0", prefix length 64) and
 * the peer's; "" before, and from a helper older than interface 1.3.
 * "changed" is emitted when they appear.
 */
const char *rvc_connection_get_ipv6_address(RvcConnection *connection);
const char *rvc_connection_get_ipv6_peer_address(RvcConnection *connection);
/* DNS servers and routes through the tunnel ("0.0.0.0/0" for a full tunnel); never NULL. */
const char *const *rvc_connection_get_dns(RvcConnection *connection);
const char *const *rvc_connection_get_routes(RvcConnection *connection);
guint rvc_connection_get_mtu(RvcConnection *connection);
/* The PPP authentication used ("MS-CHAPv2", "CHAP-MD5", "PAP"), "" before. */
const char *rvc_connection_get_auth_method(RvcConnection *connection);
/* FALSE when the caller set up the network (rvc_connect_options_set_configure_network). */
gboolean rvc_connection_get_configure_network(RvcConnection *connection);
RvcStatistics rvc_connection_get_statistics(RvcConnection *connection);
/* When it came up, in seconds since the epoch (Unix time); 0 if it never did. */
gint64 rvc_connection_get_connected_since(RvcConnection *connection);
/* The helper that ran it is gone (see above). */
gboolean rvc_connection_is_gone(RvcConnection *connection);

/*
 * Signals:
 *   "changed"  void (*)(RvcConnection *, gpointer): some property changed,
 *              or the connection is gone.
 *   "log"      void (*)(RvcConnection *, const char *line, gpointer): a new
 *              log line ("level component: text", never a secret), once
 *              rvc_connection_follow_log() succeeded.
 */

/* Disconnect it (the owner, an allowed user or root; polkit asked). Returns
 * once roadvpnd took the request; follow State for the end. */
void rvc_connection_disconnect(RvcConnection *connection, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data);
gboolean rvc_connection_disconnect_finish(RvcConnection *connection, GAsyncResult *result,
					  GError **error);
gboolean rvc_connection_disconnect_sync(RvcConnection *connection, GCancellable *cancellable,
					GError **error);

/*
 * The log. roadvpnd gives it only to root, the uid that connected it, and
 * callers who may use its profile (else RVC_ERROR_NOT_AUTHORIZED), and
 * sends new lines only to followers, never to the whole bus.
 *
 * rvc_connection_get_log(): the backlog of lines, oldest first (GStrv).
 * rvc_connection_follow_log(): the same backlog, and from then on a "log"
 * signal for every new line, with no gap and no line twice, until
 * rvc_connection_unfollow_log() or the object is freed.
 */
void rvc_connection_get_log(RvcConnection *connection, GCancellable *cancellable,
			    GAsyncReadyCallback callback, gpointer user_data);
char **rvc_connection_get_log_finish(RvcConnection *connection, GAsyncResult *result,
				     GError **error);
char **rvc_connection_get_log_sync(RvcConnection *connection, GCancellable *cancellable,
				   GError **error);
void rvc_connection_follow_log(RvcConnection *connection, GCancellable *cancellable,
			       GAsyncReadyCallback callback, gpointer user_data);
char **rvc_connection_follow_log_finish(RvcConnection *connection, GAsyncResult *result,
					GError **error);
char **rvc_connection_follow_log_sync(RvcConnection *connection, GCancellable *cancellable,
				      GError **error);
void rvc_connection_unfollow_log(RvcConnection *connection);

/*
 * Following a connection until it is up, failed or disconnected: what the
 * CLI's progress lines, the app's progress view and the NM plugin's state
 * mapping sit on.
 *
 * The progress callback is called once for each phase the connection
 * enters, in order, and last for the end (is_end). roadvpnd coalesces
 * property changes, so a quick step may never be seen as State; such a
 * step is reported all the same (passed_unseen), so that every step up to
 * the current one, and before an end every step up to the one that
 * failed, has been reported once: a front end can mark each reported step
 * done when the next one arrives. IKE steps are reported only when the
 * connection showed one (plain L2TP has none).
 */
typedef struct {
	RvcPhase phase;          /* the phase entered (RVC_PHASE_UNKNOWN: a newer id) */
	const char *phase_id;    /* its id as roadvpnd sent it */
	const char *label;       /* rvc_phase_label(), or the id when unknown */
	gboolean passed_unseen;  /* a step passed between two observations */
	gboolean is_end;         /* up, failed or disconnected: the last report */
	gboolean failed;         /* phase is RVC_PHASE_FAILED */
	RvcFailure failure;      /* when failed: LastError ("" strings otherwise) */
} RvcProgress;

typedef void (*RvcProgressFunc)(RvcConnection *connection, const RvcProgress *progress,
				gpointer user_data);

/*
 * Follow `connection`; `progress` is called from the caller's main
 * context. Completes with the end phase (RVC_PHASE_UP, RVC_PHASE_FAILED or
 * RVC_PHASE_DISCONNECTED) once it was reported, or with an error:
 * RVC_ERROR_HELPER_NOT_REACHABLE when roadvpnd went away, G_IO_ERROR_CANCELLED
 * (then nothing is disconnected: that is the caller's choice). A
 * connection already at an end reports that end at once.
 */
void rvc_connection_follow(RvcConnection *connection, RvcProgressFunc progress,
			   gpointer progress_data, GCancellable *cancellable,
			   GAsyncReadyCallback callback, gpointer user_data);
RvcPhase rvc_connection_follow_finish(RvcConnection *connection, GAsyncResult *result,
				      GError **error);
RvcPhase rvc_connection_follow_sync(RvcConnection *connection, RvcProgressFunc progress,
				    gpointer progress_data, GCancellable *cancellable,
				    GError **error);

G_END_DECLS
