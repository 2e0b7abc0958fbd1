/*
 * TCP MSS clamping for SYNs that cross the tunnel, either way (RFC 6691):
 * the MSS option of a SYN or SYN-ACK is lowered to what the TUN's MTU
 * carries, so that neither end sends segments the tunnel must fragment or
 * drop. The host's own connections need it least (the kernel derives
 * their MSS from the TUN's MTU); it is for what the host forwards into the
 * tunnel (a LAN, containers, VMs at MTU 1500) and for servers whose
 * answers would otherwise rely on path MTU discovery through ICMP that
 * many paths drop. Only the option's two bytes change, and the TCP
 * checksum with them, incrementally (RFC 1624 eqn. 3).
 *
 * Bounded: every offset is checked against the packet before it is read;
 * the IP length fields may only shorten what is looked at.
 */
#include "dataplane-mss.h"

#define IPPROTO_TCP_ 6
#define TCP_SYN 0x02
#define TCP_HDR 20
#define TCP_CSUM 16
#define OPT_EOL 0
#define OPT_NOP 1
#define OPT_MSS 2
#define OPT_MSS_LEN 4
#define IP4_HDR 20
#define IP6_HDR 40
#define IP4_FRAG_OFFSET 0x1fff
/* Below this an MTU says nothing useful about segments (IPv4's minimum is 68). */
#define MTU_MIN 68

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The TCP segment in an IPv4 packet (first fragment, whole header): its offset, or 0. */
static size_t tcp_in_ip4(const uint8_t *ip, size_t *len)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, total;

	if (*len < IP4_HDR || ihl < IP4_HDR || ihl > *len)
		return 0;
	total = get16(ip + 2);
	if (total < ihl || total > *len || ip[9] != IPPROTO_TCP_ ||
	    (get16(ip + 6) & IP4_FRAG_OFFSET))
		return 0;
	*len = total;
	return ihl;
}

/* The TCP segment right after an IPv6 header (no extension headers), or 0. */
static size_t tcp_in_ip6(const uint8_t *ip, size_t *len)
{
	size_t total;

	if (*len < IP6_HDR || ip[6] != IPPROTO_TCP_)
		return 0;
	total = IP6_HDR + get16(ip + 4);
	if (total > *len)
		return 0;
	*len = total;
	return IP6_HDR;
}

/* The MSS option's value in a TCP header's options, as an offset from tcp, or 0. */
static size_t mss_option(const uint8_t *tcp, size_t doff)
{
	size_t i = TCP_HDR;

	while (i < doff) {
		size_t olen;

		if (tcp[i] == OPT_EOL)
			return 0;
		if (tcp[i] == OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= doff)
			return 0;
		olen = tcp[i + 1];
		if (olen < 2 || i + olen > doff)
			return 0;
		if (tcp[i] == OPT_MSS)
			return olen == OPT_MSS_LEN ? i + 2 : 0;
		i += olen;
	}
	return 0;
}

size_t dp_syn_mss_at(const uint8_t *ip, size_t len)
{
	size_t off = 0, doff, at;

	if (len == 0)
		return 0;
	if (ip[0] >> 4 == 4)
		off = tcp_in_ip4(ip, &len);
	else if (ip[0] >> 4 == 6)
		off = tcp_in_ip6(ip, &len);
	if (!off || len - off < TCP_HDR || !(ip[off + 13] & TCP_SYN))
		return 0;

	doff = (size_t)(ip[off + 12] >> 4) * 4;
	if (doff < TCP_HDR || doff > len - off)
		return 0;
	at = mss_option(ip + off, doff);
	return at ? off + at : 0;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), one 16-bit word replaced. */
static uint16_t csum_replace(uint16_t hc, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~old + new;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

bool dp_mss_clamp(uint8_t *ip, size_t len, size_t at, unsigned mtu)
{
	bool v6 = len > 0 && ip[0] >> 4 == 6;
	unsigned overhead = v6 ? IP6_HDR + TCP_HDR : IP4_HDR + TCP_HDR;
	size_t tcp = v6 ? IP6_HDR : (size_t)(ip[0] & 0x0f) * 4;
	uint16_t mss, max;

	if (mtu < MTU_MIN || mtu > UINT16_MAX || at < tcp + TCP_HDR || at + 2 > len ||
	    tcp + TCP_CSUM + 2 > len)
		return false;
	mss = get16(ip + at);
	max = (uint16_t)(mtu - overhead);
	if (mss <= max)
		return false;

	put16(ip + at, max);
	put16(ip + tcp + TCP_CSUM, csum_replace(get16(ip + tcp + TCP_CSUM), mss, max));
	return true;
}
