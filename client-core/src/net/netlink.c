/*
 * rtnetlink requests on a socket of our own: build one message, send it,
 * read the kernel's answer (a reply object and/or an ACK carrying errno).
 * This replaces libnl-route-3, whose libraries cost roadvpnd about 0.5 MiB
 * of resident memory for the dozen requests a connection makes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "net-private.h"

void *net_nl_msg_init(struct net_nl_msg *m, uint16_t type, uint16_t flags, size_t hdr_len)
{
	/* Only what is sent is written: the buffer is large for replies, not requests. */
	memset(m->u.buf, 0, NLMSG_LENGTH(hdr_len));
	m->u.hdr.nlmsg_len = NLMSG_LENGTH(hdr_len);
	m->u.hdr.nlmsg_type = type;
	m->u.hdr.nlmsg_flags = NLM_F_REQUEST | flags;
	return NLMSG_DATA(&m->u.hdr);
}

static struct rtattr *msg_tail(struct net_nl_msg *m)
{
	return (struct rtattr *)(m->u.buf + NLMSG_ALIGN(m->u.hdr.nlmsg_len));
}

void net_nl_put(struct net_nl_msg *m, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = msg_tail(m);
	size_t total = NLMSG_ALIGN(m->u.hdr.nlmsg_len) + RTA_SPACE(len);

	/* Our requests are a few dozen bytes: running out is a bug, not an input. */
	if (total > sizeof(m->u.buf))
		abort();
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	memset((uint8_t *)RTA_DATA(rta) + len, 0, RTA_SPACE(len) - RTA_LENGTH(len));
	m->u.hdr.nlmsg_len = (uint32_t)total;
}

struct rtattr *net_nl_nest_start(struct net_nl_msg *m, uint16_t type)
{
	struct rtattr *nest = msg_tail(m);

	net_nl_put(m, type, NULL, 0);
	return nest;
}

void net_nl_nest_end(struct net_nl_msg *m, struct rtattr *nest)
{
	nest->rta_len = (unsigned short)((uint8_t *)m->u.buf + m->u.hdr.nlmsg_len - (uint8_t *)nest);
}

int net_nl_open(struct net_nl *nl)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };

	nl->seq = 0;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		int r = -errno;

		close(nl->fd);
		nl->fd = -1;
		return r;
	}
	return 0;
}

void net_nl_close(struct net_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

/* One message from the kernel: 1 done, 0 keep reading, or the kernel's -errno. */
static int take_message(const struct nlmsghdr *h, uint32_t seq, bool want_ack,
			struct net_nl_msg *reply, bool *got_reply)
{
	if (h->nlmsg_seq != seq)
		return 0;		/* an answer to an earlier request we gave up on */
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EBADMSG;
		return e->error ? e->error : 1;	/* error 0 is the ACK */
	}
	if (reply && !*got_reply && h->nlmsg_len <= sizeof(reply->u.buf)) {
		memcpy(reply->u.buf, h, h->nlmsg_len);
		*got_reply = true;
	}
	/* A request without NLM_F_ACK ends with its reply. */
	return *got_reply && !want_ack;
}

int net_nl_exchange(struct net_nl *nl, struct net_nl_msg *m, net_nl_take_fn take, void *ctx)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	/* A dump's datagrams are up to 32 KiB on recent kernels; one that did not fit would be cut. */
	uint8_t buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));

	m->u.hdr.nlmsg_seq = ++nl->seq;
	if (sendto(nl->fd, m->u.buf, m->u.hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0)
		return -errno;

	for (;;) {
		ssize_t n = recv(nl->fd, buf, sizeof(buf), 0);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		r = take(ctx, buf, (size_t)n, m->u.hdr.nlmsg_seq);
		if (r != 0)
			return r < 0 ? r : 0;
	}
}

struct transact {
	bool want_ack, got_reply;
	struct net_nl_msg *reply;
};

static int take_transact(void *ctx, const void *buf, size_t size, uint32_t seq)
{
	struct transact *t = ctx;

	return net_nl_take_datagram(buf, size, seq, t->want_ack, t->reply, &t->got_reply);
}

int net_nl_transact(struct net_nl *nl, struct net_nl_msg *m, struct net_nl_msg *reply)
{
	struct transact t = { .want_ack = m->u.hdr.nlmsg_flags & NLM_F_ACK, .reply = reply };

	return net_nl_exchange(nl, m, take_transact, &t);
}

int net_nl_take_datagram(const void *buf, size_t size, uint32_t seq, bool want_ack,
			 struct net_nl_msg *reply, bool *got_reply)
{
	int len = size > 65536 ? 65536 : (int)size;

	for (const struct nlmsghdr *h = buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		int r = take_message(h, seq, want_ack, reply, got_reply);

		if (r < 0)
			return r;
		if (r > 0)
			return reply && !*got_reply ? -ENOMSG : 1;
	}
	return 0;
}

const struct rtattr *net_nl_attr(const struct net_nl_msg *reply, size_t hdr_len, uint16_t type)
{
	const struct nlmsghdr *h = &reply->u.hdr;
	const struct rtattr *rta = (const struct rtattr *)((const uint8_t *)NLMSG_DATA(h) +
							     NLMSG_ALIGN(hdr_len));
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(hdr_len));

	for (; len > 0 && RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == type)
			return rta;
	}
	return NULL;
}
