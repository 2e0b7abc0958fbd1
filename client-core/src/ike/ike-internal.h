#pragma once
/* Private to ike/: wire constants, the message codec, proposals, keys and the SA object. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/cbc.h"
#include "crypto/crypto.h"
#include "crypto/dh.h"
#include "crypto/x509.h"
#include "ike.h"
#include "util/reader.h"
#include "util/writer.h"

#define IKE_LOG "ike"

/* RFC 2408 §3.1 */
#define ISAKMP_HDR_LEN 28
#define ISAKMP_VERSION 0x10
#define ISAKMP_FLAG_ENC 0x01
#define ISAKMP_FLAG_COMMIT 0x02

enum isakmp_exchange {
	ISAKMP_EXCH_MAIN = 2,
	ISAKMP_EXCH_AGGRESSIVE = 4,
	ISAKMP_EXCH_INFO = 5,
	ISAKMP_EXCH_QUICK = 32,
};

enum isakmp_payload {
	ISAKMP_PL_NONE = 0,
	ISAKMP_PL_SA = 1,
	ISAKMP_PL_P = 2,
	ISAKMP_PL_T = 3,
	ISAKMP_PL_KE = 4,
	ISAKMP_PL_ID = 5,
	ISAKMP_PL_CERT = 6,
	ISAKMP_PL_CR = 7,
	ISAKMP_PL_HASH = 8,
	ISAKMP_PL_SIG = 9,
	ISAKMP_PL_NONCE = 10,
	ISAKMP_PL_N = 11,
	ISAKMP_PL_D = 12,
	ISAKMP_PL_VID = 13,
	ISAKMP_PL_NATD = 20,         /* RFC 3947 */
	ISAKMP_PL_NATOA = 21,
	ISAKMP_PL_NATD_DRAFT = 130,  /* drafts 00-03 */
	ISAKMP_PL_NATOA_DRAFT = 131,
	ISAKMP_PL_FRAG = 132,        /* Cisco/Microsoft fragmentation (frag.c) */
};

/* RFC 2408 §3.14.1, RFC 2407 §4.6.3, RFC 3706 */
enum isakmp_notify {
	ISAKMP_N_INVALID_PAYLOAD_TYPE = 1,
	ISAKMP_N_INVALID_COOKIE = 4,
	ISAKMP_N_INVALID_EXCHANGE_TYPE = 7,
	ISAKMP_N_INVALID_SPI = 11,
	ISAKMP_N_NO_PROPOSAL_CHOSEN = 14,
	ISAKMP_N_PAYLOAD_MALFORMED = 16,
	ISAKMP_N_INVALID_KEY_INFORMATION = 17,
	ISAKMP_N_INVALID_ID_INFORMATION = 18,
	ISAKMP_N_INVALID_HASH_INFORMATION = 23,
	ISAKMP_N_AUTHENTICATION_FAILED = 24,
	ISAKMP_N_CONNECTED = 16384,
	ISAKMP_N_RESPONDER_LIFETIME = 24576,
	ISAKMP_N_INITIAL_CONTACT = 24578,
	ISAKMP_N_DPD_R_U_THERE = 36136,
	ISAKMP_N_DPD_R_U_THERE_ACK = 36137,
};

#define ISAKMP_DOI_IPSEC 1
#define ISAKMP_SIT_IDENTITY_ONLY 1
#define ISAKMP_PROTO_ISAKMP 1
#define ISAKMP_PROTO_ESP 3
#define ISAKMP_KEY_IKE 1

#define IKE_ID_IPV4_ADDR 1
#define IKE_ID_FQDN 2
#define IKE_ID_USER_FQDN 3
#define IKE_ID_DER_ASN1_DN 9
#define IKE_ID_KEY_ID 11

#define IKE_CERT_X509_SIG 4   /* RFC 2408 §3.9 certificate encoding */

/* RFC 2409 Appendix A (phase 1) and RFC 2407 §4.5 (phase 2) attribute types */
enum ike_attr {
	IKE_ATTR_ENC = 1,
	IKE_ATTR_HASH = 2,
	IKE_ATTR_AUTH = 3,
	IKE_ATTR_GROUP = 4,
	IKE_ATTR_LIFE_TYPE = 11,
	IKE_ATTR_LIFE_DURATION = 12,
	IKE_ATTR_KEY_LEN = 14,
};

enum esp_attr {
	ESP_ATTR_LIFE_TYPE = 1,
	ESP_ATTR_LIFE_DURATION = 2,
	ESP_ATTR_GROUP = 3,
	ESP_ATTR_ENCAP = 4,
	ESP_ATTR_AUTH = 5,
	ESP_ATTR_KEY_LEN = 6,
};

#define IKE_LIFE_SECONDS 1
#define IKE_AUTH_PSK 1
#define IKE_AUTH_RSA_SIG 3

#define ESP_ENCAP_TUNNEL 1
#define ESP_ENCAP_TRANSPORT 2
#define ESP_ENCAP_UDP_TRANSPORT 4
#define ESP_ENCAP_UDP_TRANSPORT_DRAFT 61444

#define IKE_NONCE_LEN 32
#define IKE_MSG_MAX 8192    /* MM5 with a certificate chain (sent in fragments) */
#define IKE_MAX_PAYLOADS 32
#define IKE_MAX_PROPOSALS 24
/* Automatic phase 1: suites in the first offer, single-suite probes after it. */
#define IKE_FIRST_OFFER 8
#define IKE_MAX_P1_PROBES 5
#define IKE_MAX_KEY 64

/* ---- message codec (message.c) ---- */

struct ike_payload {
	uint8_t type;          /* draft NAT-D/NAT-OA codes folded into the RFC ones */
	const uint8_t *start;  /* generic header */
	const uint8_t *body;   /* after the generic header */
	size_t len;            /* body length */
};

struct ike_msg {
	uint8_t cky_i[8], cky_r[8];
	uint8_t exchange, flags;
	uint32_t mid;
	const uint8_t *chain_end;  /* end of the last payload, padding excluded */
	struct ike_payload pl[IKE_MAX_PAYLOADS];
	size_t n;
	bool has_draft_natt;       /* NAT-D/NAT-OA came with the draft codes */
};

/* Parse the 28-byte header; *ret_len is the header's length field. */
int ike_msg_parse_header(const uint8_t *data, size_t len, struct ike_msg *m, size_t *ret_len);
/* Walk the payload chain of body[0..len) starting with type `first` into m. */
int ike_msg_parse_chain(struct ike_msg *m, uint8_t first, const uint8_t *body, size_t len);
const struct ike_payload *ike_msg_find(const struct ike_msg *m, uint8_t type);
size_t ike_msg_count(const struct ike_msg *m, uint8_t type);
uint32_t ike_msg_present(const struct ike_msg *m);
#define IKE_PL_BIT(t) (1u << (t))

struct ike_builder {
	struct rv_writer w;
	size_t next_at;   /* offset of the "next payload" byte to patch */
};

void ike_build_header(struct ike_builder *b, uint8_t *buf, size_t cap, const uint8_t cky_i[8],
		      const uint8_t cky_r[8], uint8_t exchange, uint8_t flags, uint32_t mid);
size_t ike_build_begin(struct ike_builder *b, uint8_t type);
void ike_build_end(struct ike_builder *b, size_t start);
/* A whole payload with a byte body. */
void ike_build_payload(struct ike_builder *b, uint8_t type, const void *body, size_t len);
/* Finish: patch the header length; 0 or -ENOSPC. */
int ike_build_finish(struct ike_builder *b, size_t *ret_len);

void ike_attr_basic(struct rv_writer *w, uint16_t type, uint16_t value);
void ike_attr_u32(struct rv_writer *w, uint16_t type, uint32_t value);
/* Iterate attributes: returns 1 with type/value, 0 at the end, -EBADMSG. */
int ike_attr_next(struct rv_reader *r, uint16_t *ret_type, uint32_t *ret_value);

struct ike_notify {
	uint8_t protocol;
	const uint8_t *spi;
	uint8_t spi_len;
	uint16_t type;
	const uint8_t *data;
	size_t data_len;
};
int ike_notify_parse(const struct ike_payload *p, struct ike_notify *ret);

struct ike_delete {
	uint8_t protocol;
	uint8_t spi_len;
	uint16_t count;
	const uint8_t *spis;
};
int ike_delete_parse(const struct ike_payload *p, struct ike_delete *ret);

/* ---- proposals (proposal.c) ---- */

enum ike_enc { IKE_ENC_3DES = 5, IKE_ENC_AES = 7 };
enum ike_hash { IKE_HASH_MD5 = 1, IKE_HASH_SHA1 = 2, IKE_HASH_SHA256 = 4, IKE_HASH_SHA384 = 5,
		IKE_HASH_SHA512 = 6 };

struct ike_p1_proposal {
	enum ike_enc enc;
	uint16_t key_bits;   /* 0 for 3DES */
	enum ike_hash hash;
	unsigned int group;
	uint16_t auth;       /* IKE_AUTH_PSK or IKE_AUTH_RSA_SIG */
};

/* ESP transform ids (RFC 2407 §4.4.4, RFC 4106 §8.4) and auth algorithms. */
#define ESP_T_3DES 3
#define ESP_T_AES_CBC 12
#define ESP_T_AES_GCM16 20
#define ESP_AUTH_NONE 0
#define ESP_AUTH_HMAC_SHA1 2
#define ESP_AUTH_HMAC_SHA256 5

struct ike_p2_proposal {
	uint8_t transform;
	uint16_t key_bits;
	uint16_t auth;
};

struct ike_proposals {
	struct ike_p1_proposal p1[IKE_MAX_PROPOSALS];
	size_t n_p1;
	struct ike_p2_proposal p2[IKE_MAX_PROPOSALS];
	size_t n_p2;
	unsigned int pfs;     /* 0 = none */
	bool pfs_auto;        /* not configured: retry with PFS on NO_PROPOSAL_CHOSEN */
	/* automatic lists (no ike=/esp=): single-suite phase 1 probes after p1[] */
	bool is_auto_p1, is_auto_p2;
	struct ike_p1_proposal probe[IKE_MAX_P1_PROBES];
	size_t n_probe;
};

int ike_proposals_parse(const struct ike_config *cfg, struct ike_proposals *ret, char *err,
			size_t err_size);
void ike_p1_name(const struct ike_p1_proposal *p, char *out, size_t size);
/* 3DES, MD5 or MODP1024: offered automatically only with allow_legacy. */
bool ike_p1_is_legacy(const struct ike_p1_proposal *p);
bool ike_p2_is_legacy(const struct ike_p2_proposal *p);
/* The ESP suite in profile syntax ("aes128gcm16", "aes256-sha1"), without PFS. */
void ike_p2_suite(const struct ike_p2_proposal *p, char *out, size_t size);
void ike_p2_name(const struct ike_p2_proposal *p, unsigned int pfs, char *out, size_t size);
/* "a, b, c" (cut with "..." to fit) */
void ike_p1_list(const struct ike_proposals *ps, size_t n, char *out, size_t size);
void ike_p2_list(const struct ike_proposals *ps, unsigned int pfs, char *out, size_t size);

enum rv_hash_alg ike_hash_alg(enum ike_hash h);
enum rv_cbc_cipher ike_cbc_cipher(enum ike_enc e);
size_t ike_enc_key_len(const struct ike_p1_proposal *p);
size_t ike_p2_enc_key_len(const struct ike_p2_proposal *p);  /* incl. GCM salt */
size_t ike_p2_integ_key_len(const struct ike_p2_proposal *p);

/* Build our phase 1 SA payload body for proposals p1[0..n). */
void ike_sa_p1_build(struct rv_writer *w, const struct ike_p1_proposal *p, size_t n,
		     uint32_t lifetime);
/* The responder's single choice; *ret_life is its lifetime (0 = none said). */
int ike_sa_p1_parse(const struct ike_payload *sa, struct ike_p1_proposal *ret,
		    uint32_t *ret_life);

struct ike_p2_choice {
	struct ike_p2_proposal p;
	uint16_t encap;
	unsigned int group;
	uint32_t life;
	uint32_t spi;
	uint8_t proposal_no;
	const uint8_t *transform;   /* the chosen transform payload (for a responder echo) */
	size_t transform_len;
};

void ike_sa_p2_build(struct rv_writer *w, const struct ike_p2_proposal *p, size_t n,
		     uint32_t spi, uint16_t encap, unsigned int pfs, uint32_t lifetime);
/*
 * Walk every proposal/transform of a phase 2 SA; return the first that
 * `accept` takes (1 = yes), else -ENOENT; -EBADMSG when malformed.
 */
int ike_sa_p2_select(const struct ike_payload *sa,
		     bool (*accept)(void *ctx, const struct ike_p2_choice *c), void *ctx,
		     struct ike_p2_choice *ret);

/* ---- keys (keymat.c), RFC 2409 §5 and Appendix B ---- */

struct ike_keys {
	enum rv_hash_alg prf;
	size_t prf_len;
	uint8_t skeyid[IKE_MAX_KEY], skeyid_d[IKE_MAX_KEY], skeyid_a[IKE_MAX_KEY],
		skeyid_e[IKE_MAX_KEY];
	uint8_t enc_key[32];
	size_t enc_key_len;
	enum rv_cbc_cipher cipher;
	size_t block_len;
};

int ike_prf(enum rv_hash_alg alg, const void *key, size_t key_len, const struct rv_iov *iov,
	    size_t n, uint8_t *out);
int ike_keys_derive(struct ike_keys *k, const uint8_t *psk, size_t psk_len, const uint8_t *ni,
		    size_t ni_len, const uint8_t *nr, size_t nr_len, const uint8_t *gxy,
		    size_t gxy_len, const uint8_t cky_i[8], const uint8_t cky_r[8]);
/* The same for signatures (RFC 2409 §5.1): SKEYID = prf(Ni_b | Nr_b, g^xy). */
int ike_keys_derive_sig(struct ike_keys *k, const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			size_t nr_len, const uint8_t *gxy, size_t gxy_len, const uint8_t cky_i[8],
			const uint8_t cky_r[8]);
/* RFC 2409 App. B: Ka = K1 | K2 ... from SKEYID_e when it is too short. */
int ike_keys_expand_enc(struct ike_keys *k);
/* Phase 1 IV = hash(g^xi | g^xr) cut to the block length. */
int ike_iv_phase1(const struct ike_keys *k, enum rv_hash_alg hash, const uint8_t *gxi,
		  size_t gxi_len, const uint8_t *gxr, size_t gxr_len, uint8_t *iv);
/* Phase 2 / informational IV = hash(last phase 1 block | M-ID). */
int ike_iv_phase2(const struct ike_keys *k, enum rv_hash_alg hash, const uint8_t *p1_iv,
		  uint32_t mid, uint8_t *iv);
/* RFC 2409 §5.5 KEYMAT, expanded to len bytes; gqm may be NULL (no PFS). */
int ike_keymat(const struct ike_keys *k, const uint8_t *gqm, size_t gqm_len, uint8_t protocol,
	       uint32_t spi, const uint8_t *ni, size_t ni_len, const uint8_t *nr, size_t nr_len,
	       uint8_t *out, size_t len);
void ike_keys_wipe(struct ike_keys *k);

/* ---- NAT-T (natt.c) and vendor IDs (vendor.c) ---- */

int ike_natd_hash(enum rv_hash_alg hash, const uint8_t cky_i[8], const uint8_t cky_r[8],
		  uint32_t addr, uint16_t port, uint8_t *out);

enum ike_vendor {
	IKE_VID_UNKNOWN,
	IKE_VID_NATT_RFC,
	IKE_VID_NATT_DRAFT,
	IKE_VID_DPD,
	IKE_VID_FRAGMENTATION,
	IKE_VID_OTHER_KNOWN,
};
enum ike_vendor ike_vendor_lookup(const uint8_t *vid, size_t len, const char **ret_name);
void ike_vendor_build_ours(struct ike_builder *b, bool with_natt);

/* ---- fragmentation (frag.c): the Cisco/Microsoft IKEv1 scheme, payload 132 ---- */

#define IKE_FRAG_MAX 32               /* fragments of one message we reassemble */
#define IKE_FRAG_TOTAL_MAX 65536      /* bytes of one reassembled message */
#define IKE_FRAG_HDR_LEN 8            /* generic header + ID, number, flags */
#define IKE_FRAG_SIZE_DEFAULT 1280    /* charon's fragment_size: the whole IP datagram */
#define IKE_FRAG_SIZE_MIN 576
#define IKE_FRAG_DATAGRAM_MAX 8192

struct ike_frag_rx {
	bool is_active;
	uint16_t id;
	uint8_t last;                 /* the number flagged LAST; 0 = not seen yet */
	uint8_t n;                    /* fragments held */
	size_t total;                 /* their bytes */
	usec_t expires;
	uint8_t *part[IKE_FRAG_MAX];  /* by number - 1 */
	uint16_t part_len[IKE_FRAG_MAX];
};

/*
 * One datagram whose first payload is a fragment. Returns 1 with the whole
 * message in *ret (malloc'd, the caller frees it), 0 when kept, -EAGAIN for
 * a duplicate, -EBADMSG when malformed or when it broke the set (dropped).
 */
int ike_frag_rx_add(struct ike_frag_rx *fr, const uint8_t *msg, size_t len, usec_t now,
		    uint8_t **ret, size_t *ret_len);
void ike_frag_rx_reset(struct ike_frag_rx *fr);  /* frees what is held */
void ike_frag_rx_tick(struct ike_frag_rx *fr, usec_t now);
usec_t ike_frag_rx_deadline(const struct ike_frag_rx *fr);
/* The gateway takes fragments and msg does not fit one datagram. */
bool ike_frag_wanted(const struct ike *ike, size_t len);
int ike_frag_tx(struct ike *ike, const uint8_t *msg, size_t len, uint16_t id);

/* ---- the SA object (ike_sa.c) ---- */

enum ike_state {
	IKE_STATE_IDLE,
	IKE_STATE_MM_I1,      /* MM1 sent, waiting for MM2 */
	IKE_STATE_MM_I2,      /* MM3 sent, waiting for MM4 */
	IKE_STATE_MM_I3,      /* MM5 sent, waiting for MM6 */
	IKE_STATE_AM_I1,      /* AM1 sent, waiting for AM2 */
	IKE_STATE_ESTABLISHED,
	IKE_STATE_FAILED,
	IKE_STATE_CLOSED,
};

struct ike_retx {
	uint8_t msg[IKE_MSG_MAX];
	size_t len;
	bool natt;
	bool is_armed;
	uint16_t frag_id;     /* the fragment ID msg goes with, when it goes in fragments */
	usec_t first_sent, next_at, interval;
	uint8_t last_rx[20];  /* SHA1 of the request that made us send msg (responder repeats) */
	bool has_last_rx;
};

enum ike_qm_state {
	IKE_QM_FREE,
	IKE_QM_I_WAIT2,     /* QM1 sent */
	IKE_QM_I_WAIT_CONNECTED,  /* commit bit: QM3 sent, waiting for CONNECTED */
	IKE_QM_R_WAIT3,     /* gateway's QM: our QM2 sent */
	IKE_QM_DONE,        /* kept to answer retransmits and ignore a stray 4th message */
};

struct ike_qm {
	enum ike_qm_state state;
	uint32_t mid;
	uint8_t iv[16];
	uint8_t ni[IKE_NONCE_LEN * 8], nr[IKE_NONCE_LEN * 8];
	size_t ni_len, nr_len;
	struct rv_dh *dh;
	unsigned int pfs;
	bool port0;                 /* IDcr with port 0 (retry variant) */
	uint32_t spi_in, spi_out;
	struct ike_p2_choice choice;
	uint32_t nat_oa_peer;
	uint32_t lifetime;
	usec_t deadline;            /* commit wait, or a responder QM's end */
	struct ike_retx retx;       /* initiator: QM1 (then QM3 to resend); responder: QM2 */
	struct ike_child_sa child;
};

#define IKE_MAX_QM 4
#define IKE_MAX_CHILDREN 4

/* DPD initiator state (dpd.c, RFC 3706 §5). */
struct ike_dpd {
	usec_t delay;               /* quiet this long before probing */
	usec_t last_rx;             /* last sign of life from the gateway */
	usec_t tx_at;               /* first ESP out noticed since last_rx (if after it) */
	usec_t next_at;             /* probing: next R-U-THERE (or give up) */
	uint32_t first_seq, seq;    /* the sequence numbers of this probe run */
	unsigned int unanswered;
	bool is_probing;
};

/* Child SA lifetimes (rekey.c). */
struct ike_rekey {
	uint32_t current_spi_in;    /* the child we send on and will rekey; 0 none */
	usec_t current_up, current_life;
	usec_t soft_at;             /* start the rekey Quick Mode; 0 = none planned */
	struct {
		uint32_t spi_in;
		usec_t at;
	} retire[IKE_MAX_CHILDREN]; /* replaced children, deleted after the grace period */
	size_t n_retire;
};

/*
 * ISAKMP SA rekey (p1rekey.c): a second Main Mode in an object of its own
 * (`next`) while the current SA keeps serving, then a switch-over.
 */
struct ike_p1rekey {
	usec_t soft_at;             /* start the next Main Mode; 0 = none planned */
	usec_t hard_at;             /* the current ISAKMP SA expires; 0 = not up */
	struct ike *next;           /* the Main Mode under way */
	bool is_next_up;            /* next authenticated: switch once no Quick Mode is in flight */
	bool is_next_failed;
	bool is_old_deleted;        /* the gateway deleted the current SA meanwhile */
	usec_t switch_due;          /* next up, waiting for a Quick Mode on the old SA */
	enum ike_failure failure;   /* why the last attempt failed */
	char reason[256];
};

/*
 * Automatic phase 1 (probe.c): the first offer, then single suites, each
 * in a Main Mode of its own (new cookies) until one is accepted.
 */
struct ike_p1_probe {
	struct ike_p1_proposal seq[IKE_FIRST_OFFER + IKE_MAX_P1_PROBES];
	size_t n_first, n_seq, next;  /* seq[0..n_first) is the first offer */
	unsigned int n_sent;          /* single-suite probes sent */
	usec_t started, offer_sent;   /* the first MM1; the current offer's */
	bool refused_legacy;          /* the gateway's pick was legacy and not allowed */
};

struct ike {
	struct ike_config cfg;
	struct rv_secret *psk;
	char *local_id;
	struct rv_x509_cred *cred;     /* auth_cert: ours */
	struct rv_x509_store *trust;   /* auth_cert: the gateway's CA(s) */
	char *remote_id, *remote_name;
	struct ike_ops ops;
	void *user_data;
	struct ike_proposals props;
	usec_t timeout;

	enum ike_state state;
	uint8_t cky_i[8], cky_r[8];
	struct ike_p1_proposal p1;
	uint32_t p1_life;
	char p1_desc[48];
	uint8_t sa_i[1024];        /* our SA payload body (SAi_b) */
	size_t sa_i_len;
	uint8_t id_i[512];         /* our ID payload body (IDii_b); a DN with certificates */
	size_t id_i_len;
	struct rv_dh *dh;
	uint8_t gxi[RV_DH_MAX_LEN], gxr[RV_DH_MAX_LEN];
	size_t gx_len;
	uint8_t ni[IKE_NONCE_LEN], nr[256];
	size_t nr_len;
	struct ike_keys keys;
	uint8_t p1_iv[16];
	uint8_t rx_next_iv[16];    /* last cipher block of the message being handled */
	bool has_keys;
	bool is_p1_up;
	bool want_port0;           /* Quick Mode retry with IDcr port 0 */
	unsigned int pfs_try;      /* 0: configured PFS, 1: modp2048, 2: modp1024 */
	char p2_refused[240];      /* set: probing 3des-sha1 after these ESP suites were refused */
	struct ike_p1_probe probe;

	bool peer_natt_rfc, peer_natt_draft, peer_dpd;
	bool nat_local, nat_remote, is_natt;  /* is_natt: floated to 4500 */
	bool peer_fragmentation;
	uint16_t frag_tx_id;       /* the last fragment ID we used */
	struct ike_frag_rx frag_rx;

	struct ike_retx p1_retx;
	struct ike_qm qm[IKE_MAX_QM];
	struct ike_child_sa children[IKE_MAX_CHILDREN];
	size_t n_children;

	struct ike_dpd dpd;
	struct ike_rekey rekey;
	struct ike_p1rekey p1rk;
	struct ike *parent;        /* set in a rekey Main Mode's object: no Quick Mode, no IC */
};

/* ike_sa.c */
int ike_send(struct ike *ike, struct ike_retx *retx, const uint8_t *msg, size_t len,
	     usec_t now);
void ike_retx_disarm(struct ike_retx *retx);
bool ike_retx_tick(struct ike *ike, struct ike_retx *retx, usec_t now);
void ike_note_request(struct ike_retx *retx, const uint8_t *data, size_t len);
int ike_fail(struct ike *ike, int phase, enum ike_failure f, uint32_t notify, const char *fmt,
	     ...) __attribute__((format(printf, 5, 6)));
void ike_emit(struct ike *ike, enum ike_event ev, struct ike_event_info *info);
/* Encrypt the body of a built message in place (pads); iv updated to the last block. */
int ike_encrypt(struct ike *ike, uint8_t *msg, size_t *len, size_t cap, uint8_t *iv);
enum rv_hash_alg ike_p1_hash(const struct ike *ike);
bool ike_uses_draft_natt(const struct ike *ike);

/* main_mode.c */
int ike_id_encode(const char *local_id, uint32_t local_addr, uint8_t *out, size_t cap,
		  size_t *ret_len);
int ike_mm_start(struct ike *ike, usec_t now);
int ike_mm_rx(struct ike *ike, struct ike_msg *m, const uint8_t *raw, size_t raw_len,
	      usec_t now);
void ike_mm_timeout(struct ike *ike);

/* (Re)start Main Mode with props.p1[0..n_p1): new cookies, MM1 sent. */
int ike_mm_send_offer(struct ike *ike, usec_t now);

/* probe.c: automatic phase 1 proposals */
void ike_probe_init(struct ike *ike, usec_t now);
/* NO-PROPOSAL-CHOSEN to our offer: true when another probe went out. */
bool ike_probe_refused(struct ike *ike, usec_t now);
/* Silence to MM1: true when a smaller offer went out instead of waiting. */
bool ike_probe_tick(struct ike *ike, usec_t now);
usec_t ike_probe_deadline(const struct ike *ike);
/* The gateway picked p: 0, or -EPROTO (failed) when it is legacy and not allowed. */
int ike_probe_check_choice(struct ike *ike, const struct ike_p1_proposal *p);
/* The failure after the last probe was refused. */
int ike_probe_fail(struct ike *ike, uint16_t notify);

/* cert.c: RSA signatures (RFC 2409 §5.1) with X.509 certificates (RFC 4945) */
int ike_cert_check_config(const struct ike_config *cfg, char *err, size_t err_size);
int ike_cert_setup(struct ike *ike, const struct ike_config *cfg);
void ike_cert_free(struct ike *ike);
/* IDii = ID_DER_ASN1_DN of our subject (when no local_id is configured). */
int ike_cert_id_i(struct ike *ike);
/* MM3: one CR (X.509 signature) per trust anchor, naming it. */
void ike_cert_build_cr(struct ike *ike, struct ike_builder *b);
/* MM5: CERT (ours, then the chain) and SIG over hash_i. */
int ike_cert_build_auth(struct ike *ike, struct ike_builder *b, const uint8_t *hash_i,
			size_t hash_len);
/* MM6: the gateway's chain, identity and SIG over hash_r; 0 or -EPROTO (failed). */
int ike_cert_check_peer(struct ike *ike, const struct ike_msg *m, const uint8_t *hash_r,
			size_t hash_len);
/* "wrong pre-shared key?" or the certificate equivalent, for failure messages. */
const char *ike_auth_hint(const struct ike *ike);

/* quick_mode.c */
int ike_qm_start(struct ike *ike, usec_t now);
/* One of our Quick Modes is still under way. */
bool ike_qm_pending(const struct ike *ike);
int ike_qm_rx(struct ike *ike, struct ike_msg *m, const uint8_t *raw, size_t raw_len,
	      usec_t now);
struct ike_qm *ike_qm_find(struct ike *ike, uint32_t mid);
void ike_qm_tick(struct ike *ike, usec_t now);
usec_t ike_qm_deadline(const struct ike *ike);
void ike_qm_free_all(struct ike *ike);
void ike_qm_refused(struct ike *ike, uint16_t notify, usec_t now);
void ike_qm_connected(struct ike *ike, usec_t now);

/* informational.c */
int ike_info_rx(struct ike *ike, struct ike_msg *m, bool was_encrypted, usec_t now);
/* One protected informational message carrying one payload. */
int ike_info_send(struct ike *ike, uint8_t type, const uint8_t *body, size_t len);
void ike_info_send_deletes(struct ike *ike, usec_t now);
/* A Delete for the ISAKMP SA itself (its cookies), protected with its keys. */
void ike_info_send_delete_isakmp(struct ike *ike);

/* dpd.c: R-U-THERE when the gateway is quiet (RFC 3706 §5.3-5.5) */
void ike_dpd_tick(struct ike *ike, usec_t now);
usec_t ike_dpd_deadline(const struct ike *ike);
/* An R-U-THERE-ACK from the gateway (spi: 16 bytes of cookies, data: sequence). */
void ike_dpd_ack(struct ike *ike, const struct ike_notify *n, usec_t now);

/* rekey.c: soft lifetimes, make-before-break */
/* A child SA is up (info->child); marks a rekey in info->child.replaces_spi_in. */
void ike_rekey_child_up(struct ike *ike, struct ike_event_info *info, usec_t now);
void ike_rekey_child_gone(struct ike *ike, uint32_t spi_in);
void ike_rekey_tick(struct ike *ike, usec_t now);
usec_t ike_rekey_deadline(const struct ike *ike);

/* p1rekey.c: a new ISAKMP SA before the current one expires (make-before-break) */
void ike_p1rekey_up(struct ike *ike, usec_t now);    /* phase 1 (first or new) is up */
/* A datagram whose cookies are not the current SA's; -ENOMSG when not the rekey's either. */
int ike_p1rekey_rx(struct ike *ike, const uint8_t *data, size_t len, bool natt, usec_t now);
void ike_p1rekey_tick(struct ike *ike, usec_t now);
usec_t ike_p1rekey_deadline(const struct ike *ike);
/* The gateway deleted the current ISAKMP SA: true when a rekey under way absorbs it. */
bool ike_p1rekey_old_deleted(struct ike *ike);
void ike_p1rekey_close(struct ike *ike);  /* drop the rekey (Delete for it when up) */
void ike_p1rekey_free(struct ike *ike);

/*
 * Protected messages start with HASH = prf(SKEYID_a, M-ID | [Ni_b |] rest),
 * rest being everything after the HASH payload (RFC 2409 §5.5, §5.7).
 */
int ike_hash_mid(const struct ike *ike, uint32_t mid, const uint8_t *ni, size_t ni_len,
		 const uint8_t *rest, size_t rest_len, uint8_t *out);
/* 0 when m's first payload is a HASH that verifies, else -EBADMSG. */
int ike_check_hash(const struct ike *ike, const struct ike_msg *m, const uint8_t *ni,
		   size_t ni_len);
/* Header + an empty HASH payload; returns the offset of the hash value. */
size_t ike_begin_hashed(const struct ike *ike, struct ike_builder *b, uint8_t *buf, size_t cap,
			uint8_t exchange, uint32_t mid);
/* Finish a message begun with ike_begin_hashed(): length, hash, encryption with iv. */
int ike_finish_hashed(struct ike *ike, struct ike_builder *b, size_t hash_at, const uint8_t *ni,
		      size_t ni_len, uint8_t *iv, size_t *ret_len);
