#pragma once
/* Private to ppp/: the object behind struct ppp and the seams between its files. */
#include "ppp.h"
#include "fsm.h"
#include "util/reader.h"

#define PPP_PROTO_IPV4 0x0021
#define PPP_PROTO_IPV6 0x0057
#define PPP_PROTO_IPCP 0x8021
#define PPP_PROTO_IPV6CP 0x8057
#define PPP_PROTO_LCP 0xc021
#define PPP_PROTO_PAP 0xc023
#define PPP_PROTO_CHAP 0xc223
#define PPP_PROTO_EAP 0xc227

#define PPP_CHAP_ALG_MD5 5
#define PPP_CHAP_ALG_MSCHAPV2 0x81

#define PPP_DEFAULT_MTU 1500
#define PPP_MIN_MRU 128
/* FF 03 + protocol + code/id/length */
#define PPP_CTL_HDR 8
#define PPP_CTL_MAX (PKT_MAX_DATA - PPP_CTL_HDR)

/* Methods the peer proposed that we can only name, never use. */
#define PPP_AUTH_SEEN_EAP (1u << 8)
#define PPP_AUTH_SEEN_MSCHAPV1 (1u << 9)
#define PPP_AUTH_SEEN_OTHER (1u << 10)

enum ppp_phase {
	PPP_PHASE_DEAD,
	PPP_PHASE_ESTABLISH,
	PPP_PHASE_AUTHENTICATE,
	PPP_PHASE_NETWORK,
	PPP_PHASE_TERMINATE,
};

struct lcp_state {
	uint16_t want_mru;
	bool send_mru;
	uint32_t magic;               /* 0 once the peer rejected it (SoftEther) */
	bool send_magic;
	uint16_t peer_mru;
	enum ppp_auth_method auth;    /* the method we acked */
	unsigned int auth_naks;
	unsigned int auth_seen;       /* PPP_AUTH_* | PPP_AUTH_SEEN_* the peer proposed */
	usec_t echo_deadline;
	unsigned int echo_pending;
	uint8_t echo_id;
	bool is_echo_off;             /* the peer Code-Rejected Echo-Request */
	/* ppp_probe(): echoes probe_interval apart, dead after probe_tries; 0: the keepalive. */
	usec_t probe_interval;
	unsigned int probe_tries;
	usec_t probe_since;           /* traffic from before it proves nothing */
	/* ppp_echo_sized(): the one sized echo out (echo.c); sized_len 0: none. */
	uint8_t sized_id;
	uint16_t sized_len;
};

struct auth_state {
	usec_t deadline;
	unsigned int tries;
	uint8_t id;
	bool is_done;
	/* MS-CHAPv2: what we answered, to check the authenticator response against */
	bool has_response;
	uint8_t resp_id;
	uint8_t auth_challenge[16];
	uint8_t peer_challenge[16];
	uint8_t nt_response[24];
	/* CHAP: our last Response, sent again until the result comes (RFC 1994 4.2) */
	uint8_t resp_value[49];
	uint8_t resp_len;
	usec_t resend_at;
	unsigned int resends;
	bool peer_went_on;  /* an NCP packet came: the gateway is past authentication */
};

struct ipcp_state {
	uint32_t addr;                /* network byte order, as are the others */
	uint32_t dns[2];
	bool send_addr;
	bool send_dns[2];
	uint32_t peer_addr;
	bool is_announced;
};

struct ipv6cp_state {
	uint8_t iid[8];
	uint8_t peer_iid[8];
	bool send_iid;
	bool is_announced;
};

struct ppp {
	struct ppp_config cfg;        /* defaults filled in; user/password point at our copies */
	char *user;
	struct rv_secret *password;
	struct ppp_ops ops;
	void *user_data;
	enum ppp_phase phase;
	bool is_closing;
	bool has_failed;
	struct ppp_event_info info;
	struct ppp_fsm lcp;
	struct ppp_fsm ipcp;
	struct ppp_fsm ipv6cp;
	struct lcp_state lcp_st;
	struct auth_state auth;
	struct ipcp_state ipcp_st;
	struct ipv6cp_state ipv6cp_st;
};

extern const struct ppp_fsm_class lcp_class;
extern const struct ppp_fsm_class ipcp_class;
extern const struct ppp_fsm_class ipv6cp_class;

/* ppp.c */
void ppp_emit(struct ppp *ppp, enum ppp_event ev);
void ppp_fail(struct ppp *ppp, enum ppp_failure failure, uint32_t peer_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ppp_link_up(struct ppp *ppp, usec_t now);
void ppp_auth_succeeded(struct ppp *ppp, usec_t now);
void ppp_auth_rejected(struct ppp *ppp, const char *method, const uint8_t *msg, size_t len);
void ppp_ipcp_opened(struct ppp *ppp, usec_t now);
void ppp_link_finished(struct ppp *ppp);
uint16_t ppp_peer_mru(const struct ppp *ppp);

/* frame.c */
int ppp_send_ctl(struct ppp *ppp, uint16_t proto, uint8_t code, uint8_t id, const void *data,
		 size_t len);
int ppp_send_proto_reject(struct ppp *ppp, uint16_t proto, const uint8_t *info, size_t len);

/* lcp.c */
void lcp_init(struct ppp *ppp);
void lcp_echo_start(struct ppp *ppp, usec_t now);
void lcp_echo_tick(struct ppp *ppp, usec_t now);
void lcp_echo_probe(struct ppp *ppp, usec_t now, usec_t interval, unsigned int tries);
/* An Echo-Reply came: if it answers the sized echo out, ops->echo_answered. */
void lcp_echo_reply(struct ppp *ppp, uint8_t id);
void lcp_note_rx(struct ppp *ppp, usec_t now);
void lcp_proto_rejected(struct ppp *ppp, uint16_t proto);

/* pap.c */
void pap_start(struct ppp *ppp, usec_t now);
int pap_rx(struct ppp *ppp, const uint8_t *pkt, size_t len, usec_t now);
void pap_tick(struct ppp *ppp, usec_t now);

/* chap.c */
void chap_start(struct ppp *ppp, usec_t now);
int chap_rx(struct ppp *ppp, const uint8_t *pkt, size_t len, usec_t now);
void chap_tick(struct ppp *ppp, usec_t now);
usec_t chap_next_deadline(const struct ppp *ppp);

/* ipcp.c, ipv6cp.c */
void ipcp_init(struct ppp *ppp);
void ipv6cp_init(struct ppp *ppp);

/* Parse the 4-byte code/id/length header; the reader then covers the data. -EBADMSG if short. */
int ppp_ctl_parse(const uint8_t *pkt, size_t len, uint8_t *ret_code, uint8_t *ret_id,
		  struct rv_reader *ret_data);
