#pragma once
/*
 * L2TP control message codec (RFC 2661 3.1, 4.1, 4.3): the header, an index
 * of AVPs built in one pass with hidden values already decoded, typed getters
 * that check lengths, and writers for the messages we send.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/reader.h"
#include "util/secret.h"
#include "util/writer.h"

#define L2TP_HDR_T 0x8000
#define L2TP_HDR_L 0x4000
#define L2TP_HDR_S 0x0800
#define L2TP_HDR_O 0x0200
#define L2TP_HDR_P 0x0100
#define L2TP_HDR_VER_MASK 0x000f
#define L2TP_VERSION 2

#define L2TP_CTL_HDR_LEN 12
#define L2TP_AVP_HDR_LEN 6
#define L2TP_AVP_M 0x8000
#define L2TP_AVP_H 0x4000
#define L2TP_AVP_LEN_MASK 0x03ff

/* More than any real peer sends; a message with more AVPs is dropped as malformed. */
#define L2TP_MAX_AVPS 64
/* Room for decoded hidden values of one message. */
#define L2TP_HIDDEN_MAX 1024

enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0, /* not on the wire: a message without AVPs */
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
};

enum l2tp_avp_type {
	L2TP_AVP_MESSAGE_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_PROTOCOL_VERSION = 2,
	L2TP_AVP_FRAMING_CAPABILITIES = 3,
	L2TP_AVP_BEARER_CAPABILITIES = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE_REVISION = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_ASSIGNED_TUNNEL_ID = 9,
	L2TP_AVP_RECEIVE_WINDOW_SIZE = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931_CAUSE = 12,
	L2TP_AVP_CHALLENGE_RESPONSE = 13,
	L2TP_AVP_ASSIGNED_SESSION_ID = 14,
	L2TP_AVP_CALL_SERIAL_NUMBER = 15,
	L2TP_AVP_MINIMUM_BPS = 16,
	L2TP_AVP_MAXIMUM_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	L2TP_AVP_CALLED_NUMBER = 21,
	L2TP_AVP_CALLING_NUMBER = 22,
	L2TP_AVP_SUB_ADDRESS = 23,
	L2TP_AVP_TX_CONNECT_SPEED = 24,
	L2TP_AVP_PHYSICAL_CHANNEL_ID = 25,
	L2TP_AVP_INITIAL_RECEIVED_CONFREQ = 26,
	L2TP_AVP_LAST_SENT_CONFREQ = 27,
	L2TP_AVP_LAST_RECEIVED_CONFREQ = 28,
	L2TP_AVP_PROXY_AUTHEN_TYPE = 29,
	L2TP_AVP_PROXY_AUTHEN_NAME = 30,
	L2TP_AVP_PROXY_AUTHEN_CHALLENGE = 31,
	L2TP_AVP_PROXY_AUTHEN_ID = 32,
	L2TP_AVP_PROXY_AUTHEN_RESPONSE = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_PRIVATE_GROUP_ID = 37,
	L2TP_AVP_RX_CONNECT_SPEED = 38,
	L2TP_AVP_SEQUENCING_REQUIRED = 39,
};

struct l2tp_avp {
	uint16_t vendor;
	uint16_t type;
	bool is_mandatory;
	bool is_hidden;
	bool is_undecodable; /* hidden, but no secret or no Random Vector before it */
	const uint8_t *value; /* into the packet, or into l2tp_ctl_msg.hidden when decoded */
	size_t len;
};

struct l2tp_ctl_msg {
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns;
	uint16_t nr;
	uint16_t type; /* enum l2tp_msg_type, or any value a peer sent */
	size_t n_avps;
	struct l2tp_avp avps[L2TP_MAX_AVPS];
	size_t hidden_used;
	uint8_t hidden[L2TP_HIDDEN_MAX];
};

/*
 * Parse one control message (header and all AVPs). `secret` may be NULL; hidden
 * AVPs are then marked undecodable. Returns 0 or -EBADMSG. A ZLB parses with
 * type L2TP_MSG_ZLB and no AVPs.
 */
int l2tp_ctl_parse(const uint8_t *data, size_t len, const struct rv_secret *secret,
		   struct l2tp_ctl_msg *ret);

/* The first IETF (vendor 0) AVP of this type, or NULL. */
const struct l2tp_avp *l2tp_msg_avp(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type);
/* 0, -ENOENT (absent) or -EBADMSG (wrong length or undecodable). */
int l2tp_msg_get_u16(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type, uint16_t *ret);
int l2tp_msg_get_u32(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type, uint32_t *ret);
int l2tp_msg_get_bytes(const struct l2tp_ctl_msg *m, enum l2tp_avp_type type,
		       const uint8_t **ret, size_t *ret_len);
/* The first AVP we do not understand that has the M bit set, or NULL. */
const struct l2tp_avp *l2tp_msg_unknown_mandatory(const struct l2tp_ctl_msg *m);

/*
 * RFC 2661 4.3: decode a hidden value in place of `out` (capacity out_size).
 * Returns the original length, or -EBADMSG.
 */
int l2tp_avp_unhide(uint16_t type, const struct rv_secret *secret, const uint8_t *rv,
		    size_t rv_len, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_size);

/* Writers for outgoing messages. All AVPs we send are IETF AVPs. */
void l2tp_ctl_begin(struct rv_writer *w, uint16_t tunnel_id, uint16_t session_id,
		    enum l2tp_msg_type type);
/* Fill in the Length field; returns the message length, or 0 on overflow. */
size_t l2tp_ctl_finish(struct rv_writer *w);
void l2tp_avp_put(struct rv_writer *w, bool mandatory, enum l2tp_avp_type type,
		  const void *value, size_t len);
void l2tp_avp_put_u16(struct rv_writer *w, bool mandatory, enum l2tp_avp_type type, uint16_t v);
void l2tp_avp_put_u32(struct rv_writer *w, bool mandatory, enum l2tp_avp_type type, uint32_t v);

const char *l2tp_msg_type_name(uint16_t type);
