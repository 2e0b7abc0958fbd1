/*
 * The inner UDP header of the transport-mode payload (L2TP on port 1701,
 * RFC 3193 section 4). The checksum is optional over IPv4 (RFC 768) and
 * RFC 3948 section 3.1.2 lets transport mode behind NAT send zero; over
 * IPv6 it is mandatory (RFC 8200 section 8.1), computed on the
 * pseudo-header. On receive it is not checked: ESP already authenticated
 * the bytes, and a NAT between us rewrote the addresses it was computed on
 * (the alternative, fixing it up with NAT-OA, buys nothing here).
 */
#include <errno.h>

#include "esp-internal.h"
#include "util/reader.h"

static uint64_t sum16(uint64_t acc, const uint8_t *d, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)d[i] << 8 | d[i + 1];
	if (len & 1)
		acc += (uint32_t)d[len - 1] << 8;
	return acc;
}

static uint16_t fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* RFC 768 / RFC 8200 8.1 pseudo-header, then header and payload. */
static uint16_t udp_checksum(const struct esp_udp_addrs *a, const uint8_t *udp, size_t len)
{
	size_t alen = a->is_ipv6 ? 16 : 4;
	uint64_t acc = 0;
	uint16_t csum;

	acc = sum16(acc, a->src, alen);
	acc = sum16(acc, a->dst, alen);
	acc += 17;
	acc += len; /* 16-bit length for IPv4, 32-bit for IPv6: same sum below 64 KiB */
	csum = fold(sum16(acc, udp, len));
	/* Zero means "no checksum" on the wire; a computed zero is sent as all ones. */
	return csum ? csum : 0xffff;
}

int esp_udp_push(struct pkt *p, uint16_t src_port, uint16_t dst_port,
		 const struct esp_udp_addrs *addrs)
{
	size_t len = p->len + ESP_UDP_HDR_LEN;
	uint8_t *h;

	if (len > UINT16_MAX)
		return -EMSGSIZE;

	h = pkt_push(p, ESP_UDP_HDR_LEN);
	if (!h)
		return -ENOBUFS;

	h[0] = (uint8_t)(src_port >> 8);
	h[1] = (uint8_t)src_port;
	h[2] = (uint8_t)(dst_port >> 8);
	h[3] = (uint8_t)dst_port;
	h[4] = (uint8_t)(len >> 8);
	h[5] = (uint8_t)len;
	h[6] = h[7] = 0;
	if (addrs) {
		uint16_t csum = udp_checksum(addrs, h, len);

		h[6] = (uint8_t)(csum >> 8);
		h[7] = (uint8_t)csum;
	}

	return 0;
}

int esp_udp_pull(struct pkt *p, uint16_t want_dst_port, uint16_t *ret_src_port)
{
	struct rv_reader r = rv_reader_init(p->data, p->len);
	uint16_t src, dst, len, csum;

	if (!rv_reader_u16(&r, &src) || !rv_reader_u16(&r, &dst) || !rv_reader_u16(&r, &len) ||
	    !rv_reader_u16(&r, &csum))
		return -EBADMSG;
	/* ESP padding is already stripped, so the lengths must agree exactly. */
	if (len != p->len)
		return -EBADMSG;
	if (dst != want_dst_port)
		return -ENOMSG;

	pkt_pull(p, ESP_UDP_HDR_LEN);
	if (ret_src_port)
		*ret_src_port = src;
	return 0;
}
