/*
 * A bare IKEv1 client for the phase 1 rekey interop test: the ike/ library
 * through its public header, on real sockets, with a PSK, for a given time.
 * roadvpnd cannot do this against charon here: this kernel has no ESP, so
 * charon deletes the ESP SA right after Quick Mode and the session ends long
 * before the ISAKMP SA's soft lifetime. This driver ignores the ESP Delete
 * and keeps the ISAKMP SA (DPD both ways) until its rekey has happened.
 *
 *   ike-p1rekey-driver LOCAL_ADDR GATEWAY PSK IKE_LIFETIME SECONDS
 *
 * Logs the library's lines (ike at debug) and the events on stderr; exits 0
 * when SECONDS passed without IKE_EVENT_FAILED, 1 otherwise, 2 on bad use.
 * DRIVER_DPD_DELAY=N in the environment: DPD after N s of silence instead
 * of 30 (the NAT rebinding test, test-strongswan-nat-rebind.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ike/ike.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/secret.h"

struct driver {
	int fd500, fd4500;
	struct sockaddr_in gw;
	bool failed;
};

static int udp_open(uint32_t local, uint16_t port, const struct sockaddr_in *gw, uint16_t gw_port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = local,
				 .sin_port = htons(port) };
	struct sockaddr_in g = *gw;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	g.sin_port = htons(gw_port);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    connect(fd, (struct sockaddr *)&g, sizeof(g)) < 0) {
		perror("udp socket");
		exit(1);
	}
	return fd;
}

static int d_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct driver *d = user_data;
	uint8_t buf[9000] = { 0 };

	if (!natt)
		return send(d->fd500, data, len, 0) < 0 ? -errno : 0;
	if (len + 4 > sizeof(buf))
		return -EMSGSIZE;
	memcpy(buf + 4, data, len);  /* RFC 3948 §2.2: the non-ESP marker */
	return send(d->fd4500, buf, len + 4, 0) < 0 ? -errno : 0;
}

static const char *ev_name(enum ike_event ev)
{
	switch (ev) {
	case IKE_EVENT_PHASE1_UP:
		return "PHASE1_UP";
	case IKE_EVENT_FLOAT_TO_NATT:
		return "FLOAT_TO_NATT";
	case IKE_EVENT_CHILD_UP:
		return "CHILD_UP";
	case IKE_EVENT_CHILD_DELETED:
		return "CHILD_DELETED";
	case IKE_EVENT_FAILED:
		return "FAILED";
	case IKE_EVENT_CLOSED:
		return "CLOSED";
	}
	return "?";
}

static void d_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	struct driver *d = user_data;

	fprintf(stderr, "driver: event %s: %s\n", ev_name(ev), info->message);
	if (ev == IKE_EVENT_FAILED)
		d->failed = true;
}

static void rx(struct driver *d, struct ike *ike, int fd, bool natt, usec_t now)
{
	uint8_t buf[9000];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n <= 0)
		return;
	if (!natt) {
		ike_rx(ike, buf, (size_t)n, false, now);
		return;
	}
	/* a lone 0xFF is a NAT keepalive; IKE has the zero marker, ESP has none */
	if (n > 4 && !memcmp(buf, "\0\0\0\0", 4)) {
		ike_rx(ike, buf + 4, (size_t)n - 4, true, now);
		return;
	}
	ike_note_inbound_activity(ike, now);
}

static int run(struct driver *d, struct ike *ike, usec_t until)
{
	struct pollfd p[2] = { { .fd = d->fd500, .events = POLLIN },
			       { .fd = d->fd4500, .events = POLLIN } };

	while (!d->failed) {
		usec_t now = rv_now_usec(), dl = ike_next_deadline(ike);
		int ms;

		if (now >= until)
			return 0;
		dl = rv_usec_min(dl, until);
		ms = dl > now ? (int)((dl - now + 999) / 1000) : 0;
		if (poll(p, 2, ms) < 0 && errno != EINTR)
			return 1;
		now = rv_now_usec();
		if (p[0].revents & POLLIN)
			rx(d, ike, d->fd500, false, now);
		if (p[1].revents & POLLIN)
			rx(d, ike, d->fd4500, true, now);
		ike_tick(ike, now);
	}
	return 1;
}

int main(int argc, char **argv)
{
	static const struct ike_ops ops = { .tx = d_tx, .event = d_event };
	struct driver d = { .gw = { .sin_family = AF_INET } };
	struct ike_config cfg = { 0 };
	struct rv_secret *psk;
	struct ike *ike;
	int rc;

	if (argc != 6 || inet_pton(AF_INET, argv[1], &cfg.local_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &d.gw.sin_addr) != 1) {
		fprintf(stderr, "usage: %s LOCAL_ADDR GATEWAY PSK IKE_LIFETIME SECONDS\n",
			argv[0]);
		return 2;
	}
	rv_log_set_debug("ike");
	cfg.remote_addr = d.gw.sin_addr.s_addr;
	cfg.ike_lifetime = (uint32_t)atoi(argv[4]);
	if (getenv("DRIVER_DPD_DELAY"))
		cfg.dpd_delay = (usec_t)atoi(getenv("DRIVER_DPD_DELAY")) * USEC_PER_SEC;
	psk = rv_secret_new_str(argv[3]);
	cfg.psk = psk;
	d.fd500 = udp_open(cfg.local_addr, 500, &d.gw, 500);
	d.fd4500 = udp_open(cfg.local_addr, 4500, &d.gw, 4500);
	ike = ike_new(&cfg, &ops, &d);
	if (!ike || ike_start(ike, rv_now_usec()) < 0) {
		fprintf(stderr, "driver: cannot start IKE\n");
		return 1;
	}
	rc = run(&d, ike, rv_now_usec() + (usec_t)atoi(argv[5]) * USEC_PER_SEC);
	fprintf(stderr, "driver: %s after %s s\n", rc ? "FAILED" : "still up", argv[5]);
	ike_close(ike, rv_now_usec());
	ike_free(ike);
	rv_secret_free(psk);
	close(d.fd500);
	close(d.fd4500);
	return rc;
}
