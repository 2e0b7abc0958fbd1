#pragma once
/* The LAC object shared by tunnel.c, call.c, reliable.c, data.c and l2tp.c. */
#include <stdbool.h>
#include <stdint.h>

#include "avp.h"
#include "l2tp.h"

#define L2TP_DEFAULT_RWS 8
#define L2TP_PEER_DEFAULT_RWS 4 /* RFC 2661 4.4.3; l2tpns sends no RWS */
#define L2TP_DEFAULT_MAX_RETRANSMITS 5
#define L2TP_DEFAULT_RTX_INITIAL USEC_PER_SEC
#define L2TP_RTX_CAP (8 * USEC_PER_SEC)
#define L2TP_DEFAULT_HELLO (60 * USEC_PER_SEC)
#define L2TP_ACK_DELAY (100 * USEC_PER_MSEC)
#define L2TP_CLOSE_TIMEOUT (4 * USEC_PER_SEC)

/* Control messages we send are small; a fixed slot each keeps the queue allocation-free. */
#define L2TP_CTL_MAX 512
#define L2TP_TXQ_LEN 8

enum l2tp_state {
	L2TP_STATE_IDLE,
	L2TP_STATE_WAIT_SCCRP,
	L2TP_STATE_WAIT_ICRP,   /* tunnel up, ICRQ sent */
	L2TP_STATE_SESSION_UP,  /* ICCN sent */
	L2TP_STATE_NO_CALL,     /* tunnel up, call gone (peer CDN, or our CDN after an error) */
	L2TP_STATE_CLOSING,     /* our StopCCN sent, waiting for its ack */
	L2TP_STATE_DONE,        /* tunnel gone; only duplicates are still acked */
};

struct l2tp_txq_entry {
	uint16_t ns;
	uint16_t type;
	size_t len;
	bool is_sent;
	unsigned int tries;
	usec_t deadline;
	usec_t timeout;
	uint8_t buf[L2TP_CTL_MAX];
};

/* RFC 2661 5.8 reliable delivery state. */
struct l2tp_rel {
	uint16_t ns;           /* Ns of our next message */
	uint16_t nr;           /* Ns we expect next from the peer */
	uint16_t peer_rws;
	size_t head;
	size_t count;
	struct l2tp_txq_entry q[L2TP_TXQ_LEN];
	bool is_ack_pending;
	usec_t ack_at;
};

struct l2tp {
	struct l2tp_ops ops;
	void *user_data;
	char *hostname;
	struct rv_secret *secret;
	uint16_t rws;
	unsigned int max_retransmits;
	usec_t rtx_initial;
	usec_t hello_interval;
	bool want_seq_data;

	enum l2tp_state state;
	bool has_failed;        /* FAILED was emitted: only CLOSED may follow */
	bool is_closed;         /* CLOSED was emitted: nothing follows */
	uint16_t tunnel_id;     /* ours */
	uint16_t peer_tunnel_id;
	uint16_t session_id;    /* ours */
	uint16_t peer_session_id;
	uint32_t call_serial;
	uint8_t challenge[16];

	bool is_data_seq;
	uint16_t data_ns;
	uint16_t data_nr;

	usec_t last_rx;
	usec_t close_deadline;
	uint16_t stopccn_ns;

	struct l2tp_rel rel;
	struct l2tp_ctl_msg msg; /* scratch for the message being handled */
};

/* reliable.c */
enum l2tp_rel_verdict {
	L2TP_REL_NEW,        /* in sequence: handle it */
	L2TP_REL_DUPLICATE,  /* already seen: re-acked */
	L2TP_REL_OUT_OF_ORDER,
	L2TP_REL_ACK_ONLY,   /* a ZLB */
};

void l2tp_rel_init(struct l2tp_rel *rel);
/* Queue a built control message (Ns/Nr filled here); returns its Ns via ret_ns or -errno. */
int l2tp_rel_send(struct l2tp *l, const uint8_t *msg, size_t len, uint16_t type, usec_t now,
		  uint16_t *ret_ns);
enum l2tp_rel_verdict l2tp_rel_rx(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now);
void l2tp_rel_send_zlb(struct l2tp *l);
bool l2tp_rel_is_acked(const struct l2tp *l, uint16_t ns);
/*
 * Retransmit what is due and send a delayed ack. When a message ran out of
 * tries the queue is dropped and -ETIMEDOUT returned with its type and tries.
 */
int l2tp_rel_tick(struct l2tp *l, usec_t now, uint16_t *ret_type, unsigned int *ret_tries);
usec_t l2tp_rel_deadline(const struct l2tp *l);
bool l2tp_rel_is_idle(const struct l2tp *l);

/* tunnel.c */
int l2tp_tunnel_send_sccrq(struct l2tp *l, usec_t now);
int l2tp_tunnel_handle(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now);
int l2tp_tunnel_send_stopccn(struct l2tp *l, uint16_t result, uint16_t error, usec_t now);
int l2tp_tunnel_send_hello(struct l2tp *l, usec_t now);

/* call.c */
int l2tp_call_send_icrq(struct l2tp *l, usec_t now);
int l2tp_call_handle(struct l2tp *l, const struct l2tp_ctl_msg *m, usec_t now);
int l2tp_call_send_cdn(struct l2tp *l, uint16_t result, uint16_t error, usec_t now);

/* data.c */
int l2tp_data_rx(struct l2tp *l, const uint8_t *data, size_t len, usec_t now);

/* l2tp.c */
void l2tp_emit(struct l2tp *l, enum l2tp_event ev);
/* Emit FAILED once (later failures are only logged); returns -EPROTO for *_rx. */
int l2tp_emit_failed(struct l2tp *l, struct l2tp_event_info *info);
int l2tp_fail(struct l2tp *l, enum l2tp_failure failure, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Build "gateway closed the tunnel: general error (result 2, error 6 'ID in use')". */
void l2tp_describe_result(const struct l2tp_ctl_msg *m, struct l2tp_event_info *info);
/* The tunnel is gone; if we were closing, that close is finished. */
void l2tp_tunnel_gone(struct l2tp *l);
