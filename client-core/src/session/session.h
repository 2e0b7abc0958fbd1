#pragma once
/*
 * One connection: stacks the layers (L2TP -> PPP -> network; IKE/ESP slot in
 * under L2TP later), runs them on the GLib main loop, and owns the phase and
 * the single failure record. Protocol objects never see each other; this
 * file is the only place that knows the order.
 */
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "profile/profile.h"
#include "session/phase.h"

struct session;

struct session_up_info {
	char ifname[16];
	uint32_t local4;          /* network byte order */
	uint32_t peer4;
	uint32_t dns[2];
	uint16_t mtu;
	const char *auth_method;  /* "MS-CHAPv2", ... */
	uint32_t gateway4;        /* the resolved gateway, network byte order */
};

struct session_stats {
	uint64_t bytes_in, bytes_out;
	uint64_t packets_in, packets_out;
};

/*
 * What a connection attempt learnt on the way, beyond its phase and failure
 * record: the facts `roadvpn diagnose` reports (diagnose/). Filled by the
 * parts as they go (ipsec.c, link.c); never a secret.
 */
struct session_evidence {
	uint32_t gateway4;            /* the resolved gateway, network byte order; 0: none */
	unsigned int ike_rx;          /* IKE datagrams received from the gateway */
	bool ike_port_unreachable;    /* ICMP port unreachable to UDP/500 */
	bool phase1_up;
	char ike_suite[48];           /* phase 1's suite, "aes256-sha1-modp2048" */
	bool legacy_only;             /* phase 1 refused: the gateway picked a legacy suite */
	int ike_failure;              /* enum ike_failure of IKE's failure, 0: none */
	int ike_failure_phase;        /* 1 or 2 */
	bool nat_local, nat_remote;   /* NAT detected in front of us / of the gateway */
	bool child_up;
	char esp_suite[96];           /* the first IPsec SA's description */
	bool udp_encap;               /* its ESP travels in UDP/4500 */
	bool sa_deleted;              /* the gateway deleted the IPsec SA in use */
	bool esp_in;                  /* ESP from the gateway authenticated (known on an L2TP timeout) */
	bool l2tp_port_unreachable;   /* plain L2TP: ICMP port unreachable to UDP/1701 */
	/* The path MTU black-hole search once up (pathprobe.c); outer packet sizes. */
	unsigned path_max;            /* its top, the kernel's path MTU; 0: no search ran */
	bool path_done;               /* it ended; else what it knew when it stopped */
	unsigned path_lost;           /* smallest size unanswered; 0: none */
	unsigned path_pass;           /* largest size answered; 0: none */
	uint16_t path_tun_mtu;        /* the TUN MTU path_pass stands for; 0: none */
};

struct session_ops {
	void (*phase_changed)(void *user_data, enum session_phase phase);
	void (*up)(void *user_data, const struct session_up_info *info);
	/*
	 * IPv6CP is up (after up, possibly some time after): the interface
	 * identifiers PPP agreed on, ours and the peer's (fe80::IID/64 each).
	 * Optional.
	 */
	void (*ipv6_up)(void *user_data, const uint8_t local_iid[8], const uint8_t peer_iid[8]);
	/*
	 * A path MTU search ended (session_get_evidence() has what it found).
	 * Optional; only with session_config.probe_path.
	 */
	void (*path_probed)(void *user_data);
	/* The session ended: failure is NULL after a clean disconnect. */
	void (*finished)(void *user_data, const struct session_failure *failure);
};

struct session_config {
	const struct profile *profile;   /* borrowed; must outlive the session */
	/* false: bring the tunnel up but leave addresses/routes/DNS to the caller (NM). */
	bool configure_network;
	/*
	 * Where the IPsec suites that worked are remembered for this profile
	 * (tried first next time); NULL: in memory, for this session's
	 * reconnects only.
	 */
	const char *suite_file;
	/*
	 * Search the path MTU once up even with configure_network off (a
	 * diagnosis: the host's TUN MTU is not ours to follow, the finding goes
	 * to the evidence and ops->path_probed).
	 */
	bool probe_path;
};

struct session *session_new(const struct session_config *cfg, const struct session_ops *ops,
			    void *user_data);
void session_free(struct session *s);

/* Start connecting on the thread-default main context. */
void session_start(struct session *s);
/* Clean disconnect; ops->finished follows. Safe in any phase. */
void session_stop(struct session *s);

enum session_phase session_get_phase(const struct session *s);
const struct session_failure *session_get_failure(const struct session *s);
void session_get_stats(const struct session *s, struct session_stats *ret);
/* What this session learnt so far (its last attempt's), for diagnose/. */
void session_get_evidence(const struct session *s, struct session_evidence *ret);

/*
 * The profile's IPsec settings checked as a connection will use them
 * (proposals, identities, certificate files), without connecting; for
 * saving a profile. The error (PROFILE_ERROR_INVALID) names the key.
 */
gboolean session_check_profile(const struct profile *p, GError **error);

/*
 * The session whose code runs now (inside one of its main-loop callbacks or
 * a session_* call), else NULL: lets a daemon's log sink tell the lines of
 * several connections apart.
 */
struct session *session_current(void);
