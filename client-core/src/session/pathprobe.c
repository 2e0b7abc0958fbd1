/*
 * The black-hole search on a live session (pathprobe.h). Probes are
 * Echo-Requests, which the gateway answers on the control path, so one
 * probe a second for a few seconds after each connect and a search every
 * 10 minutes cost a handful of echoes, nothing an idle link notices.
 */
#include "pathprobe.h"

#include "core.h"
#include "host.h"
#include "link.h"
#include "util/log.h"

#define PROBE_TIMEOUT USEC_PER_SEC
#define PROBE_TRIES 3   /* RFC 4821 MAX_PROBES: one loss is not a black hole */
#define REPROBE (10 * 60 * USEC_PER_SEC)
/* IPv4's minimum datagram every host takes: below it a path is broken, not narrow. */
#define PROBE_FLOOR 576

static unsigned probe_inner(void *user_data, unsigned size)
{
	struct session_pathprobe *pp = user_data;

	return session_host_mtu_for_path(pp->host, size);
}

static int probe_send(void *user_data, unsigned size)
{
	struct session_pathprobe *pp = user_data;

	return session_link_echo_sized(pp->link, (uint16_t)probe_inner(pp, size));
}

static void probe_found(void *user_data, unsigned lost, unsigned pass)
{
	struct session_pathprobe *pp = user_data;
	const struct session_core *core = pp->host->core;

	pp->found = true;
	if (!pass)
		rv_log_info("session", "path MTU probe: no echo answered, not even of %u bytes: "
			    "the gateway does not answer padded echoes, nothing learnt", lost);
	else
		session_host_path_probed(pp->host, lost, pass);
	if (pp->always && core->ops.path_probed)
		core->ops.path_probed(core->user_data);
}

static const struct plpmtu_ops probe_ops = {
	.send = probe_send,
	.inner = probe_inner,
	.found = probe_found,
};

void session_pathprobe_init(struct session_pathprobe *pp, struct session_link *link,
			    struct session_host *host, bool always)
{
	*pp = (struct session_pathprobe){ .link = link, .host = host, .always = always };
	plpmtu_init(&pp->pl, &(struct plpmtu_config){ 0 }, &probe_ops, pp);
	plpmtu_stop(&pp->pl);
}

/* The path MTU the kernel has for the gateway now: the search's top. */
static unsigned kernel_path(const struct session_pathprobe *pp)
{
	return pp->host->stack.path_mtu ? pp->host->stack.path_mtu : 1500;
}

void session_pathprobe_start(struct session_pathprobe *pp, usec_t now)
{
	const struct plpmtu_config cfg = {
		.max = kernel_path(pp),
		.floor = PROBE_FLOOR,
		.timeout = PROBE_TIMEOUT,
		.tries = PROBE_TRIES,
		.reprobe = REPROBE,
	};

	/*
	 * NetworkManager configures the TUN (configure_network off): nothing
	 * here could follow. A diagnosis searches all the same, for its report.
	 */
	if (!pp->always && !session_host_holds_config(pp->host))
		return;
	pp->found = false;
	plpmtu_init(&pp->pl, &cfg, &probe_ops, pp);
	plpmtu_start(&pp->pl, now);
}

void session_pathprobe_stop(struct session_pathprobe *pp)
{
	plpmtu_stop(&pp->pl);
}

void session_pathprobe_answered(struct session_pathprobe *pp, unsigned size, usec_t now)
{
	/* The echo carries the inner size; the search speaks of path sizes. */
	unsigned path = pp->pl.size;

	if (path && probe_inner(pp, path) == size)
		plpmtu_answered(&pp->pl, path, now);
}

void session_pathprobe_tick(struct session_pathprobe *pp, usec_t now)
{
	/* The kernel's path MTU changed (an ICMP, another route): search again from it. */
	if (!pp->pl.searching && pp->pl.cfg.max && pp->pl.cfg.max != kernel_path(pp))
		session_pathprobe_start(pp, now);
	else
		plpmtu_tick(&pp->pl, now);
}

usec_t session_pathprobe_next_deadline(const struct session_pathprobe *pp)
{
	return plpmtu_next_deadline(&pp->pl);
}

void session_pathprobe_evidence(const struct session_pathprobe *pp, struct session_evidence *ev)
{
	const struct plpmtu *pl = &pp->pl;

	ev->path_max = pl->cfg.max;
	ev->path_done = pp->found;
	ev->path_lost = pl->bad && pl->bad <= pl->cfg.max ? pl->bad : 0;
	ev->path_pass = pl->good;
	ev->path_tun_mtu = pl->good ? session_host_mtu_for_path(pp->host, pl->good) : 0;
}
