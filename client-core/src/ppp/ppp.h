#pragma once
/*
 * PPP over L2TP (RFC 1661 and friends), client side: LCP, authentication
 * (MS-CHAPv2, CHAP-MD5, PAP), IPCP with DNS, IPv6CP; other protocols are
 * Protocol-Rejected. The only header session/ includes from ppp/.
 *
 * Pure protocol object: frames in through ppp_rx(), frames out through
 * ops->tx, time as an argument. It never sees L2TP or a socket.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/pkt.h"
#include "util/secret.h"
#include "util/clock.h"

struct ppp;

enum ppp_auth_method {
	PPP_AUTH_NONE = 0,
	PPP_AUTH_PAP = 1 << 0,
	PPP_AUTH_CHAP_MD5 = 1 << 1,
	PPP_AUTH_MSCHAPV2 = 1 << 2,
};

struct ppp_config {
	const char *user;
	const struct rv_secret *password;
	/*
	 * Methods we accept, as a bit set; the stronger is preferred when the
	 * peer lets us choose. 0 = MS-CHAPv2 and CHAP-MD5 (PAP is opt-in).
	 */
	unsigned int auth_allowed;
	uint16_t mru;                 /* 0 = default 1400 */
	bool want_ipv6;               /* negotiate IPv6CP */
	bool want_dns;                /* ask for DNS in IPCP (RFC 1877) */
	usec_t echo_interval;         /* LCP echo when idle; 0 = default 10 s */
	unsigned int echo_failures;   /* dead after this many unanswered; 0 = default 4 */
	usec_t restart_timer;         /* RFC 1661 restart timer; 0 = default 3 s */
	unsigned int max_configure;   /* 0 = default 10 */
	unsigned int max_terminate;   /* 0 = default 2 */
	unsigned int max_failure;     /* Naks of the gateway's auth method before giving up; 0 = 5 */
};

enum ppp_event {
	PPP_EVENT_LCP_UP,
	PPP_EVENT_AUTH_START,   /* info.auth_method set */
	PPP_EVENT_AUTH_OK,
	PPP_EVENT_IPCP_UP,      /* info.ipcp set */
	PPP_EVENT_IPV6CP_UP,    /* info.ipv6cp set */
	PPP_EVENT_TERMINATED,   /* clean end: ours or the peer's Terminate */
	PPP_EVENT_FAILED,       /* fatal: info.failure + message */
};

enum ppp_failure {
	PPP_FAILURE_NONE,
	PPP_FAILURE_LCP_NEGOTIATION,  /* could not agree, or too many rounds */
	PPP_FAILURE_NO_AUTH_METHOD,   /* peer wants a method we do not allow */
	PPP_FAILURE_AUTH_REJECTED,    /* wrong user or password */
	PPP_FAILURE_AUTH_TIMEOUT,     /* no result: lost on the way, not a wrong password */
	PPP_FAILURE_AUTH_PEER_BAD,    /* gateway failed MS-CHAPv2 mutual auth */
	PPP_FAILURE_IPCP,             /* no address */
	PPP_FAILURE_ECHO_TIMEOUT,     /* LCP echo unanswered: peer dead */
	PPP_FAILURE_PEER_TERMINATE,   /* peer sent Terminate-Request */
};

struct ppp_ipcp_info {
	uint32_t local_addr;   /* network byte order */
	uint32_t peer_addr;    /* network byte order, 0 if the peer did not say */
	uint32_t dns[2];       /* network byte order, 0 if none */
};

struct ppp_ipv6cp_info {
	uint8_t local_iid[8];
	uint8_t peer_iid[8];
};

struct ppp_event_info {
	enum ppp_failure failure;
	enum ppp_auth_method auth_method;
	uint32_t peer_code;        /* e.g. MS-CHAPv2 E= value, 0 if none */
	char message[160];         /* readable reason; peer text escaped; never a secret */
	struct ppp_ipcp_info ipcp;
	struct ppp_ipv6cp_info ipv6cp;
	uint16_t mtu;              /* negotiated: min(peer MRU, our MTU) */
};

struct ppp_ops {
	/* Send one PPP frame (FF 03 + protocol + payload) built in p. */
	int (*tx)(void *user_data, struct pkt *p);
	void (*event)(void *user_data, enum ppp_event ev, const struct ppp_event_info *info);
	/* An IPv4 (is_ipv6 false) or IPv6 packet from the peer; borrowed for the call. */
	void (*ip_rx)(void *user_data, bool is_ipv6, const uint8_t *data, size_t len);
	/* Optional: the gateway answered ppp_echo_sized()'s echo of `size` bytes. */
	void (*echo_answered)(void *user_data, uint16_t size);
};

struct ppp *ppp_new(const struct ppp_config *cfg, const struct ppp_ops *ops, void *user_data);
void ppp_free(struct ppp *ppp);

/* Open LCP (send Configure-Request). */
int ppp_start(struct ppp *ppp, usec_t now);
/*
 * One PPP frame from the link (with or without FF 03, with PFC). Returns 0,
 * -EBADMSG, or -EPROTO (fatal; PPP_EVENT_FAILED was emitted); also -EAGAIN
 * (a retransmitted request, answered again) and -ENOMSG (not started, or
 * already failed/terminated).
 */
int ppp_rx(struct ppp *ppp, const uint8_t *frame, size_t len, usec_t now);
void ppp_tick(struct ppp *ppp, usec_t now);
usec_t ppp_next_deadline(const struct ppp *ppp);

/*
 * Send an IP packet (in p->data) to the peer: pushes the protocol field and
 * FF 03 into the headroom. Returns 0, -ENOTCONN before the NCP is up, or
 * the tx error.
 */
int ppp_send_ip(struct ppp *ppp, struct pkt *p, bool is_ipv6);

/*
 * IP framing for a data path that runs apart from the ppp object (a
 * data-plane thread). ppp_ip_is_open() says whether IPv4 or IPv6 may flow
 * now; the push and pull functions are pure.
 */
bool ppp_ip_is_open(const struct ppp *ppp, bool is_ipv6);
/* Push FF 03 and the IPv4/IPv6 protocol into p's headroom, as ppp_send_ip() does. 0 or -ENOSPC. */
int ppp_ip_push(struct pkt *p, bool is_ipv6);
/*
 * If the frame in p carries IPv4 or IPv6 (with or without FF 03 and PFC),
 * strip the PPP header and return 4 or 6; otherwise 0 and p is untouched
 * (a control frame: that is ppp_rx()'s).
 */
int ppp_ip_pull(struct pkt *p);

/*
 * Clean close: LCP Terminate-Request; PPP_EVENT_TERMINATED when acked or
 * timed out (at once when LCP is not open). Also valid after
 * PPP_EVENT_FAILED, so the gateway still hears a Terminate.
 */
void ppp_close(struct ppp *ppp, usec_t now);

/*
 * Check the peer at once (after a resume): an LCP Echo-Request now and then
 * every `interval`; anything from the peer ends the probe, `tries`
 * unanswered ones end in PPP_EVENT_FAILED / PPP_FAILURE_ECHO_TIMEOUT as
 * for the keepalive. Nothing when LCP is not open or the peer refuses echoes.
 */
void ppp_probe(struct ppp *ppp, usec_t now, usec_t interval, unsigned int tries);

/*
 * Path MTU probe: an LCP Echo-Request whose Information field is `size`
 * bytes, as an IP packet of `size` bytes would be; ops->echo_answered
 * when its answer comes (a later call forgets the earlier echo). 0,
 * -ENOTCONN (LCP not open, the peer refuses echoes) or -EMSGSIZE (above
 * the gateway's MRU).
 */
int ppp_echo_sized(struct ppp *ppp, uint16_t size);

/* Note traffic from the peer so the echo keepalive only probes an idle link. */
void ppp_note_rx_activity(struct ppp *ppp, usec_t now);

const char *ppp_auth_method_name(enum ppp_auth_method m);
