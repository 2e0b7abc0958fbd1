#pragma once
/*
 * A scripted IKEv1 responder for the unit tests: Main Mode with a PSK,
 * NAT-D, Quick Mode (and one of its own, as SoftEther starts), notifies,
 * deletes and DPD. It reuses the engine's codec and key schedule, whose
 * arithmetic test-ike-crypto.c checks against independent vectors; the
 * protocol flow, message shapes and the peer's choices are its own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/ike-internal.h"

struct fake_gw_config {
	const char *psk;
	uint32_t addr;               /* network order */
	uint32_t client_seen_addr;   /* source address the gateway sees (NAT when != client's) */
	uint16_t client_seen_port;
	bool natt_rfc, natt_draft;   /* NAT-T vendor IDs it sends */
	bool fake_natd;              /* SoftEther: claim a NAT whatever the addresses */
	unsigned int p1_group;       /* pick a suite with this group; 0 = the first offered */
	bool refuse_p1;              /* NO-PROPOSAL-CHOSEN to MM1 */
	const char *p1_only;         /* accept only this suite ("3des-sha1-modp1024"); NULL = any */
	size_t p1_max_transforms;    /* silence to an MM1 with more transforms; 0 = no limit */
	uint16_t psk_mismatch_notify; /* bad MM5: this cleartext notify (0: silence) */
	bool refuse_port_1701;       /* INVALID-ID-INFORMATION unless IDcr has port 0 */
	bool require_pfs;            /* NO-PROPOSAL-CHOSEN to a QM1 without KE */
	bool refuse_all_qm;          /* NO-PROPOSAL-CHOSEN to every QM1 */
	bool commit;                 /* commit bit in QM2, CONNECTED after QM3 */
	uint32_t responder_lifetime; /* RESPONDER-LIFETIME in QM2 when non-zero */
	uint32_t qm2_life;           /* lifetime attribute in its QM2 transform; 0 = echo */
	bool own_qm;                 /* start its own Quick Mode after ours */
	bool fourth_qm_msg;          /* a fourth QM message with INITIAL-CONTACT (Windows) */
	bool oa_reserved_junk;       /* non-zero reserved bytes in its NAT-OA (Meraki) */
	uint8_t esp_transform;       /* prefer this ESP transform id; 0 = the first offered */
	uint16_t esp_auth;
	/* RSA signatures (test-ike-cert.c): its credentials; NULL = PSK */
	const struct rv_x509_cred *cred;
	const uint8_t *id_r;         /* its IDir body; NULL = ID_DER_ASN1_DN of its subject */
	size_t id_r_len;
	bool bad_sig;                /* corrupt its SIG */
	bool no_cert;                /* send no CERT payload */
	/*
	 * IKEv1 fragmentation: announce FRAGMENTATION in MM2; with frag_size,
	 * send any message longer than that as fragments of frag_size bytes of
	 * data each. Fragments from the client are reassembled either way.
	 */
	bool fragmentation;
	size_t frag_size;
	/* the client's phase 1 rekey (a second Main Mode while one is up) */
	bool refuse_p1_rekey;        /* NO-PROPOSAL-CHOSEN to it */
	bool ignore_p1_rekey;        /* no answer */
};

struct fake_gw_msg {
	uint8_t data[8192];
	size_t len;
};

struct fake_gw {
	struct fake_gw_config cfg;
	struct ike k;                /* key holder: cookies, keys, phase 1 IV */
	struct rv_dh *dh;
	uint8_t sa_i[1024];
	size_t sa_i_len;
	uint8_t chosen_t[256];
	size_t chosen_t_len;
	uint8_t gxi[RV_DH_MAX_LEN], gxr[RV_DH_MAX_LEN];
	size_t gx_len;
	uint8_t ni[256], nr[32];
	size_t ni_len;
	int p1_state;                /* 0 wait MM1/AM1, 1 wait MM3, 2 wait MM5/AM3, 3 up */
	bool is_aggressive;
	uint8_t am_id_type;          /* the client's AM1 ID type */
	uint8_t am_id[300];
	size_t am_id_len;

	/* the current Quick Mode (either side's) */
	uint32_t qm_mid;
	uint8_t qm_iv[16];
	uint8_t qm_ni[256], qm_nr[256];
	size_t qm_ni_len, qm_nr_len;
	uint32_t spi_client_in, spi_gw_in;
	struct ike_p2_choice qm_choice;
	uint8_t gqm[RV_DH_MAX_LEN];
	size_t gqm_len;
	bool qm_is_own;
	int qm_state;                /* 0 none, 1 our QM2 sent, 2 own QM1 sent, 3 done */

	/* the client's fragments, reassembled in order (its own simple code, not frag.c) */
	uint8_t frag_buf[8192];
	size_t frag_len;
	unsigned int frag_next;      /* the fragment number expected next */
	uint16_t frag_id;
	unsigned int n_frags_in, n_frag_msgs_in, n_frags_out;
	size_t frag_in_max;          /* largest fragment datagram from the client */
	bool saw_frag_vid;           /* FRAGMENTATION vendor ID (20 bytes, 80000000) in MM1 */

	/* the ISAKMP SA a phase 1 rekey replaced: its messages still decrypt */
	struct ike old_k;
	bool has_old_k;
	unsigned int n_p1_rekey;     /* MM1s of phase 1 rekeys seen */

	/* replies waiting for the test to deliver */
	struct fake_gw_msg out[12];
	size_t n_out;

	/* observations */
	bool saw_cr, mm5_sig_ok;     /* CR in MM3; the client's MM5 signature verified */
	uint8_t mm5_id_type;
	unsigned int n_mm5_certs;
	bool saw_initial_contact, mm5_ok, natd_seen, qm1_had_ke, qm1_had_nat_oa;
	uint16_t qm1_encap, last_idcr_port;
	uint8_t qm1_id_type;
	/* each MM1: how many transforms, and the first one (the client's order) */
	size_t mm1_n_transforms[16];
	struct ike_p1_proposal mm1_first[16];
	unsigned int n_mm1, n_qm1, n_qm3, n_own_qm2, n_dpd_ack, n_delete_esp, n_delete_isakmp;
	uint32_t deleted_esp_spi;
	uint8_t enc_client_in[36], enc_client_out[36], integ_client_in[64], integ_client_out[64];
	uint8_t own_enc_client_in[36], own_integ_client_out[64];
	uint32_t own_spi_gw_in;
};

void fake_gw_init(struct fake_gw *gw, const struct fake_gw_config *cfg);
void fake_gw_free(struct fake_gw *gw);
/* One message from the client (without a non-ESP marker); replies go to gw->out. */
int fake_gw_rx(struct fake_gw *gw, const uint8_t *msg, size_t len);
/* Protected informational: a notify or a delete, queued in gw->out. */
int fake_gw_notify(struct fake_gw *gw, uint16_t type, uint8_t protocol, const uint8_t *spi,
		   size_t spi_len, const uint8_t *data, size_t data_len);
int fake_gw_delete(struct fake_gw *gw, uint8_t protocol, const uint8_t *spi, size_t spi_len);
/* A Delete for the ISAKMP SA the client's rekey replaced, protected with its keys. */
int fake_gw_delete_old_isakmp(struct fake_gw *gw);
/* The same, in the clear (as a gateway does before phase 1 is up). */
int fake_gw_clear_notify(struct fake_gw *gw, const uint8_t cky_i[8], uint16_t type);
