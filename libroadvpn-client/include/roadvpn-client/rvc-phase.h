#pragma once
/*
 * Phases and failure reasons of a connection: the one table of their ids
 * and text for every front end.
 *
 * A connection's State is a phase id, LastError names a phase id and a
 * reason id. The ids are roadvpnd's (client-core/src/session/phase.c) and
 * stable: match on them (or on RvcPhase), show the labels. A newer helper
 * may send ids this library does not know: they map to RVC_PHASE_UNKNOWN,
 * and their text is the id itself, so nothing breaks.
 *
 * The texts are returned translated (gettext domain roadvpn, po/), in the
 * language the program's setlocale() chose; English without a catalogue.
 */
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	RVC_PHASE_UNKNOWN,         /* an id this library does not know */
	RVC_PHASE_IDLE,            /* "idle": created, not started yet */
	/* The steps of connecting, in this order (IKE only with IPsec): */
	RVC_PHASE_RESOLVING,       /* "resolving" the gateway's name */
	RVC_PHASE_IKE_MAIN_MODE,   /* "ike-main-mode": IKE phase 1 (Main or Aggressive) */
	RVC_PHASE_IKE_QUICK_MODE,  /* "ike-quick-mode": IKE phase 2, the ESP SA */
	RVC_PHASE_L2TP_TUNNEL,     /* "l2tp-tunnel" */
	RVC_PHASE_L2TP_CALL,       /* "l2tp-call" */
	RVC_PHASE_PPP_LCP,         /* "ppp-lcp" */
	RVC_PHASE_PPP_AUTH,        /* "ppp-auth" */
	RVC_PHASE_PPP_NETWORK,     /* "ppp-network": IPCP / IPv6CP */
	RVC_PHASE_NETCONFIG,       /* "netconfig": addresses, routes, DNS */
	/* After the steps: */
	RVC_PHASE_UP,              /* "up" */
	RVC_PHASE_DISCONNECTING,   /* "disconnecting" (also on the way to failed) */
	RVC_PHASE_DISCONNECTED,    /* "disconnected": ended cleanly */
	RVC_PHASE_FAILED,          /* "failed": see LastError */
	RVC_PHASE_RECONNECT_WAIT,  /* "reconnect-wait": lost, retrying after a pause */
} RvcPhase;

/* "l2tp-tunnel" -> RVC_PHASE_L2TP_TUNNEL; NULL or unknown -> RVC_PHASE_UNKNOWN. */
RvcPhase rvc_phase_from_id(const char *id);
/* RVC_PHASE_L2TP_TUNNEL -> "l2tp-tunnel"; RVC_PHASE_UNKNOWN -> "unknown". */
const char *rvc_phase_id(RvcPhase phase);
/* A short label for progress lines and views, in the caller's language
 * (LC_MESSAGES/LANGUAGE; the "roadvpn" domain, which the library binds
 * itself): "L2TP tunnel", "PPP auth", "Connected", ... ("Unknown phase"
 * for RVC_PHASE_UNKNOWN). */
const char *rvc_phase_label(RvcPhase phase);
/* One of the connecting steps, RVC_PHASE_RESOLVING .. RVC_PHASE_NETCONFIG. */
gboolean rvc_phase_is_step(RvcPhase phase);
/* Up, failed or disconnected: where rvc_connection_follow() stops. */
gboolean rvc_phase_is_end(RvcPhase phase);

/*
 * The text of a failure reason id, translated ("no-answer" -> "The gateway did
 * not answer"). An unknown id is returned as it is; NULL or "" gives "".
 * LastError's message (roadvpnd's sentence with the details, e.g. "L2TP: no
 * answer from 198.51.100.1:1701") says more; show the text when you need
 * a short or translated form.
 */
const char *rvc_reason_text(const char *reason_id);
/*
 * The text (translated) of a failure that happened in PHASE: as rvc_reason_text(),
 * but worded for the layer where it can differ ("auth-failed" in IKE phase 1
 * is the pre-shared key or certificate, in PPP auth the user name or
 * password). Use this for a failure you show a person.
 */
const char *rvc_failure_text(RvcPhase phase, const char *reason_id);

/*
 * Where the "roadvpn" catalogues are: the installed localedir, or
 * $ROADVPN_LOCALEDIR when set (tests run from a build tree use it). A front
 * end binds the domain to it: bindtextdomain("roadvpn", rvc_localedir()).
 */
const char *rvc_localedir(void);
/*
 * TRUE while the program speaks English (no "roadvpn" catalogue for the
 * user's language answered). roadvpnd's own sentences (a failure's message)
 * are English: a front end shows them next to the translated texts only
 * then, and leaves them to the log otherwise. (Errors need no check: the
 * library words them in the user's language, rvc-error.h.)
 */
gboolean rvc_speaks_english(void);

G_END_DECLS
