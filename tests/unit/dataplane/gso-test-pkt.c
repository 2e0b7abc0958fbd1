/* Test packets with independently computed checksums (see gso-test-pkt.h). */
#include <string.h>

#include "gso-test-pkt.h"

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static bool is_v6(const uint8_t *ip)
{
	return ip[0] >> 4 == 6;
}

static size_t ip_hlen_of(const uint8_t *ip)
{
	return is_v6(ip) ? 40 : (size_t)(ip[0] & 0xf) * 4;
}

uint16_t tpkt_pseudo_sum(const uint8_t *ip, size_t l4_len)
{
	bool v6 = is_v6(ip);
	uint32_t s = v6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);

	s += (uint32_t)(v6 ? ip[6] : ip[9]);
	s += (uint32_t)(l4_len >> 16) + (uint32_t)(l4_len & 0xffff);
	return fold(s);
}

static uint16_t l4_sum(const uint8_t *ip, size_t len)
{
	size_t ihl = ip_hlen_of(ip);

	return fold(sum16(ip + ihl, len - ihl, tpkt_pseudo_sum(ip, len - ihl)));
}

bool tpkt_ip4_csum_ok(const uint8_t *ip)
{
	return fold(sum16(ip, ip_hlen_of(ip), 0)) == 0xffff;
}

bool tpkt_l4_csum_ok(const uint8_t *ip, size_t len)
{
	return l4_sum(ip, len) == 0xffff;
}

void tpkt_fix_csums(uint8_t *ip, size_t len)
{
	size_t ihl = ip_hlen_of(ip);
	bool udp = (is_v6(ip) ? ip[6] : ip[9]) == 17;
	uint8_t *field = ip + ihl + (udp ? 6 : 16);
	uint16_t c;

	if (!is_v6(ip)) {
		ip[10] = ip[11] = 0;
		put16(ip + 10, (uint16_t)~fold(sum16(ip, ihl, 0)));
	}
	field[0] = field[1] = 0;
	c = (uint16_t)~l4_sum(ip, len);
	/* UDP sends a computed 0 as 0xffff; 0 there means "no checksum". */
	put16(field, udp && !c ? 0xffff : c);
}

struct tpkt_flow tpkt_flow_default(bool v6, uint8_t proto)
{
	struct tpkt_flow f = {
		.v6 = v6, .proto = proto, .sport = 5001, .dport = 49153, .ttl = 64, .df = true,
		.ip_id = 0x1234, .seq = 1000000, .ack = 7, .window = 0xff, .tcp_ts = true,
	};

	if (v6) {
		memcpy(f.src, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
		memcpy(f.dst, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 16);
	} else {
		memcpy(f.src, (uint8_t[]){ 203, 0, 113, 1 }, 4);
		memcpy(f.dst, (uint8_t[]){ 203, 0, 113, 2 }, 4);
	}
	return f;
}

size_t tpkt_ip_hlen(const struct tpkt_flow *f)
{
	return f->v6 ? 40 : 20;
}

size_t tpkt_hlen(const struct tpkt_flow *f)
{
	if (f->proto == 17)
		return tpkt_ip_hlen(f) + 8;
	return tpkt_ip_hlen(f) + (f->tcp_ts ? 32 : 20);
}

uint8_t tpkt_stream_byte(size_t offset)
{
	return (uint8_t)(offset * 7 + offset / 251);
}

static void build_ip(uint8_t *b, const struct tpkt_flow *f, size_t idx, size_t len)
{
	if (f->v6) {
		put32(b, 6u << 28 | (uint32_t)f->tos << 20 | (f->flow_label & 0xfffff));
		put16(b + 4, (uint32_t)(len - 40));
		b[6] = f->proto;
		b[7] = f->ttl;
		memcpy(b + 8, f->src, 16);
		memcpy(b + 24, f->dst, 16);
		return;
	}
	b[0] = 0x45;
	b[1] = f->tos;
	put16(b + 2, (uint32_t)len);
	put16(b + 4, (uint16_t)(f->ip_id + idx));
	b[6] = f->df ? 0x40 : 0;
	b[8] = f->ttl;
	b[9] = f->proto;
	memcpy(b + 12, f->src, 4);
	memcpy(b + 16, f->dst, 4);
}

static void build_tcp(uint8_t *t, const struct tpkt_flow *f, size_t offset, uint8_t flags)
{
	put16(t, f->sport);
	put16(t + 2, f->dport);
	put32(t + 4, f->seq + (uint32_t)offset);
	put32(t + 8, f->ack);
	t[12] = (uint8_t)((f->tcp_ts ? 8 : 5) << 4);
	t[13] = flags;
	put16(t + 14, f->window);
	if (f->tcp_ts)
		memcpy(t + 20, (uint8_t[]){ 1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 3 }, 12);
}

size_t tpkt_build(uint8_t *b, const struct tpkt_flow *f, size_t idx, size_t offset, size_t payload,
		  uint8_t tcp_flags)
{
	size_t ihl = tpkt_ip_hlen(f), hlen = tpkt_hlen(f), len = hlen + payload;

	memset(b, 0, hlen);
	build_ip(b, f, idx, len);
	if (f->proto == 17) {
		put16(b + ihl, f->sport);
		put16(b + ihl + 2, f->dport);
		put16(b + ihl + 4, (uint32_t)(len - ihl));
	} else {
		build_tcp(b + ihl, f, offset, tcp_flags);
	}
	for (size_t i = 0; i < payload; i++)
		b[hlen + i] = tpkt_stream_byte(offset + i);
	tpkt_fix_csums(b, len);
	return len;
}
