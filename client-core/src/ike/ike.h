#pragma once
/*
 * IKEv1 initiator (RFC 2407/2408/2409) for L2TP/IPsec: Main Mode with a
 * pre-shared key (Aggressive Mode on request) or RSA signatures with
 * certificates (RFC 2409 §5.1, RFC 4945), NAT-T (RFC 3947/3948 and
 * the drafts), Quick Mode for ESP transport mode on UDP/1701, DPD (RFC 3706)
 * both ways, child SA rekey before expiry, Delete and Notify. The only
 * header session/ includes from ike/.
 *
 * Pure protocol object: datagrams in through ike_rx(), out through ops->tx,
 * time as an argument. It owns no socket and never calls esp/: a finished
 * Quick Mode is handed up as a neutral struct ike_child_sa.
 *
 * Life of a connection:
 *   ike_start()  -> MM1 ... MM6 -> IKE_EVENT_PHASE1_UP -> QM1 ... QM3 ->
 *   IKE_EVENT_CHILD_UP (install the SA; it may come again when the gateway
 *   starts a Quick Mode of its own, child.by_peer set) ... ike_close() ->
 *   Delete payloads -> IKE_EVENT_CLOSED.
 * IKE_EVENT_FLOAT_TO_NATT (after MM4) means: from now on ops->tx is called
 * with natt=true, to be sent from the UDP/4500 socket to the gateway's port
 * 4500 with the 4-byte non-ESP marker in front. The caller also sends the
 * RFC 3948 NAT keepalive (one 0xFF byte every ~20 s) while info.nat_local.
 * IKE_EVENT_FAILED carries a failure code and a one-line message a user can
 * act on; ike_close() is still valid afterwards (it deletes what is up).
 *
 * Long-lived sessions (dpd.c, rekey.c): when the gateway announced DPD and
 * no inbound traffic came for cfg.dpd_delay (the caller reports ESP with
 * ike_note_inbound_activity()), R-U-THERE goes out every 5 s; five unanswered
 * ones end in IKE_EVENT_FAILED / IKE_FAILURE_DEAD_PEER. At 80-90 % of a
 * child's lifetime (or on ike_rekey_child()) a new Quick Mode starts on the
 * same ISAKMP SA; its CHILD_UP names the SA it replaces (replaces_spi_in):
 * send on the new one from then on, keep accepting the old one. After a
 * grace period the old SA is deleted (Delete sent, CHILD_DELETED emitted).
 * The ISAKMP SA itself (p1rekey.c) is renewed the same way at 80-90 % of
 * its negotiated lifetime (cfg.ike_lifetime or the gateway's shorter one): a
 * new Main Mode beside it, then Quick Mode, DPD and Delete use the new one
 * and the old one is deleted. No event: the children stay as they are. A
 * rekey that fails is retried; only when the old ISAKMP SA expires does
 * IKE_EVENT_FAILED come, with the reason.
 *
 * Large messages (frag.c): we announce the FRAGMENTATION vendor ID; when the
 * gateway does too, a message over cfg.fragment_size (MM5 with a certificate
 * chain) is sent as IKEv1 fragments, and the gateway's fragments are
 * reassembled before anything else sees them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/clock.h"
#include "util/secret.h"

struct ike;

struct ike_config {
	uint32_t local_addr;      /* network order: our address as the socket sees it */
	uint32_t remote_addr;     /* network order: the gateway */
	uint16_t local_port;      /* host order: the IKE socket's ports (500, or ephemeral */
	uint16_t remote_port;     /*   when 500 is taken); 0 = 500 */
	const struct rv_secret *psk;
	bool aggressive;          /* Aggressive Mode: the PSK hash can be cracked offline */
	/*
	 * Our phase 1 ID; NULL = ID_IPV4_ADDR of local_addr. "keyid:GROUP",
	 * "fqdn:NAME", "email:USER@NAME", "ipv4:A.B.C.D", or untagged: an IPv4
	 * literal, something with '@' (USER_FQDN), else FQDN.
	 */
	const char *local_id;
	/* Proposal lists, NULL = defaults; see ike_check_config() for the syntax. */
	const char *ike_proposals;  /* "aes256-sha256-modp2048,aes128-sha1-ecp256" */
	const char *esp_proposals;  /* "aes128gcm16,aes256-sha256,3des-sha1" */
	const char *pfs;            /* NULL (none, retry with PFS if refused), "none", "modp2048" */
	/*
	 * Automatic lists only: legacy suites (3DES, MD5, MODP1024) may be
	 * offered; without it they are probed to name them in the failure but
	 * never used. preferred_*: the suites that worked last time
	 * (ike_child_sa.suite_ike/suite_esp), tried first; ignored when they do
	 * not parse or are legacy and not allowed.
	 */
	bool allow_legacy;
	const char *preferred_ike;
	const char *preferred_esp;
	bool force_encap;           /* UDP-encapsulate ESP even without NAT (needs peer NAT-T) */
	/*
	 * Do not announce NAT-T: ESP always as IP protocol 50. For gateways
	 * that fake NAT detection (SoftEther) when the path has no NAT.
	 */
	bool no_natt;
	uint16_t l2tp_local_port;   /* host order: IDci port; 0 = 1701 */
	uint32_t ike_lifetime;      /* seconds, 0 = 28800 (8 h) */
	uint32_t esp_lifetime;      /* seconds, 0 = 3600 */
	usec_t timeout;             /* give up on an unanswered request, 0 = 20 s */
	usec_t dpd_delay;           /* no inbound traffic this long: R-U-THERE; 0 = 30 s */
	/*
	 * IKEv1 fragmentation (Cisco/Microsoft scheme, frag.c): when the gateway
	 * announced it, a message whose datagram (IPv4 and UDP headers and the
	 * NAT-T marker counted) would exceed this goes in fragments that fit
	 * it. 0 = 1280 (as charon); at least 576. Gateway fragments are always
	 * reassembled.
	 */
	uint16_t fragment_size;

	/*
	 * RSA signatures instead of the PSK (Main Mode only). cert_file is our
	 * certificate (PEM, intermediates may follow) with key_file its PEM
	 * key, or a PKCS#12 bundle with key_file NULL; key_password opens an
	 * encrypted key or the bundle. The gateway's chain must lead to a CA
	 * of ca_file, and its certificate must name remote_id when set
	 * ("C=XX, O=Example, CN=vpn" or "dn:..." a DN, "fqdn:NAME",
	 * "email:USER@NAME", "ipv4:A.B.C.D" or untagged as for local_id), else
	 * remote_name in a subjectAltName (DNS for a host name, IP for an
	 * address; remote_addr when remote_name is NULL). Our ID is our
	 * certificate's subject DN unless local_id is set.
	 */
	bool auth_cert;
	const char *cert_file, *key_file, *ca_file;
	const struct rv_secret *key_password;
	const char *remote_id;
	const char *remote_name;    /* the gateway as configured: host name or address */
	bool allow_wildcard;        /* accept "*.example.net" in the gateway's subjectAltName */
	int64_t cert_time;          /* check validity at this UNIX time; 0 = the current time */
};

enum ike_event {
	IKE_EVENT_PHASE1_UP,       /* ISAKMP SA authenticated */
	IKE_EVENT_FLOAT_TO_NATT,   /* switch to UDP/4500; info.nat_local/nat_remote set */
	IKE_EVENT_CHILD_UP,        /* info.child: an ESP SA pair to install */
	IKE_EVENT_CHILD_DELETED,   /* the gateway deleted info.child.spi_in/spi_out */
	IKE_EVENT_FAILED,          /* info.failure + info.message */
	IKE_EVENT_CLOSED,          /* after ike_close(): Deletes sent */
};

enum ike_failure {
	IKE_FAILURE_NONE,
	IKE_FAILURE_TIMEOUT,            /* no answer from the gateway */
	IKE_FAILURE_NO_PROPOSAL_CHOSEN, /* gateway refused all our proposals */
	IKE_FAILURE_AUTH_FAILED,        /* wrong PSK (or the gateway does not know us) */
	IKE_FAILURE_INVALID_ID,         /* gateway refused our identities / selectors */
	IKE_FAILURE_PEER_DELETED,       /* gateway deleted the ISAKMP SA */
	IKE_FAILURE_PEER_ERROR,         /* another error notify from the gateway */
	IKE_FAILURE_PROTOCOL,           /* the gateway answered something we did not offer */
	IKE_FAILURE_INTERNAL,           /* crypto or send error on our side */
	IKE_FAILURE_CERT,               /* the gateway's certificate, signature or identity refused */
	IKE_FAILURE_DEAD_PEER,          /* DPD: the gateway stopped answering R-U-THERE */
};

enum ike_esp_cipher {
	IKE_ESP_CIPHER_AES_CBC,     /* enc_key_len 16 or 32 */
	IKE_ESP_CIPHER_3DES_CBC,    /* enc_key_len 24 */
	IKE_ESP_CIPHER_AES_GCM16,   /* enc_key_len 20 or 36: key then 4-byte salt (RFC 4106 §8.1) */
};

enum ike_esp_integ {
	IKE_ESP_INTEG_NONE,            /* AEAD */
	IKE_ESP_INTEG_HMAC_SHA1_96,    /* integ_key_len 20 */
	IKE_ESP_INTEG_HMAC_SHA256_128, /* integ_key_len 32 (RFC 4868 truncation) */
};

/* One ESP SA pair. SPIs in host order (the value of the ESP header field). */
struct ike_child_sa {
	uint32_t spi_in;   /* ours: the gateway sends with it */
	uint32_t spi_out;  /* the gateway's: we send with it */
	enum ike_esp_cipher cipher;
	size_t enc_key_len;
	uint8_t enc_key_in[36], enc_key_out[36]; /* incl. GCM salt */
	enum ike_esp_integ integ;
	size_t integ_key_len;
	uint8_t integ_key_in[64], integ_key_out[64];
	bool udp_encap;             /* RFC 3948 ESP-in-UDP on the 4500 socket */
	uint32_t lifetime_seconds;  /* min(ours, gateway's, RESPONDER-LIFETIME) */
	char description[96];       /* "aes128-gcm16", "aes256-sha256 pfs=modp2048"; never keys */
	/* the suites in profile syntax, to remember for the next connect (cfg.preferred_*) */
	char suite_ike[32];         /* "aes128-sha1-modp2048" */
	char suite_esp[32];         /* "aes128gcm16", "aes256-sha1" */
	bool by_peer;               /* the gateway started this Quick Mode */
	uint32_t nat_oa_peer;       /* network order: gateway's original address (NAT-OA), 0 if none */
	uint32_t replaces_spi_in;   /* a rekey: spi_in of the SA it replaces (send on this one now) */
};

struct ike_event_info {
	enum ike_failure failure;
	uint32_t notify_type;       /* the gateway's notify behind a failure, 0 if none */
	int phase;                  /* 1 or 2: where a failure happened */
	char message[256];          /* one line a user can act on; never a secret */
	bool nat_local, nat_remote; /* NAT detected in front of us / the gateway */
	struct ike_child_sa child;  /* CHILD_UP, CHILD_DELETED (SPIs only); wiped after the call */
};

struct ike_ops {
	/* send an IKE message; natt=true: over the UDP/4500 socket (the caller prepends the marker) */
	int (*tx)(void *user_data, const uint8_t *data, size_t len, bool natt);
	void (*event)(void *user_data, enum ike_event ev, const struct ike_event_info *info);
};

/*
 * Check proposal strings, PFS group and local id; 0, or -EINVAL with a
 * message naming the bad token in err. Syntax: comma-separated; IKE
 * "ENC-HASH-GROUP" with ENC aes128|aes192|aes256|3des, HASH
 * md5|sha1|sha256|sha384|sha512, GROUP modp1024|modp1536|modp2048|
 * modp3072|modp4096|ecp256|ecp384; ESP "ENC-INTEG[-GROUP]" with ENC
 * aes128|aes256|3des and INTEG sha1|sha256, or "aes128gcm16"/"aes256gcm16".
 */
int ike_check_config(const struct ike_config *cfg, char *err, size_t err_size);

/* NULL when the config does not check (errno EINVAL) or out of memory. */
struct ike *ike_new(const struct ike_config *cfg, const struct ike_ops *ops, void *user_data);
void ike_free(struct ike *ike); /* NULL-safe; wipes keys */

/* Send MM1 (or AM1). 0, or the tx error. */
int ike_start(struct ike *ike, usec_t now);
/*
 * One datagram from the gateway (port 500, or 4500 with natt=true and the
 * non-ESP marker already removed). Returns 0, -EBADMSG, -ENOMSG (not for
 * this SA), -EAGAIN (a retransmit, answered again) or -EPROTO (fatal;
 * IKE_EVENT_FAILED was emitted).
 */
int ike_rx(struct ike *ike, const uint8_t *data, size_t len, bool natt, usec_t now);
void ike_tick(struct ike *ike, usec_t now);
usec_t ike_next_deadline(const struct ike *ike);
/* Delete payloads for what is up, then IKE_EVENT_CLOSED. */
void ike_close(struct ike *ike, usec_t now);

/*
 * Inbound traffic from the gateway (ESP that authenticated) at `now`: the
 * gateway is alive, DPD stays quiet. Cheap; call it from the tick with the
 * time of the last packet rather than per packet.
 */
void ike_note_inbound_activity(struct ike *ike, usec_t now);
/*
 * ESP went out (noticed at now). RFC 3706 5.5's worry metric: when we send
 * and nothing comes back for 5 s, R-U-THERE goes out then, not only after
 * cfg.dpd_delay of silence; so a NAT that rebound our mapping, where the
 * gateway follows authenticated IKE only, or a gateway gone, is found in
 * seconds while traffic flows. Call it from the tick, like the above.
 */
void ike_note_outbound_activity(struct ike *ike, usec_t now);
/*
 * Replace the current child SA now (e.g. its ESP sequence numbers run
 * low). 0, -EALREADY (a rekey is under way), -ENOTCONN (phase 1 not up).
 */
int ike_rekey_child(struct ike *ike, usec_t now);
/* Send a Delete for the child SA whose inbound SPI is spi_in; CHILD_DELETED follows. */
int ike_delete_child(struct ike *ike, uint32_t spi_in, usec_t now);

/* e.g. "aes256-sha256-modp2048" for the phase 1 SA in use; "" before MM2. */
const char *ike_phase1_description(const struct ike *ike);
/* Phase 1 failed because the gateway picked a legacy suite allow-legacy does not allow. */
bool ike_refused_legacy(const struct ike *ike);
