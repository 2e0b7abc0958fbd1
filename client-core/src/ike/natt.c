/*
 * NAT traversal helpers (RFC 3947 §3.2): NAT-D = HASH(CKY-I | CKY-R | IP |
 * Port) with the negotiated hash (not the prf). Addresses are in network
 * order, ports in host order. The exchange logic (MM3/MM4, floating to 4500,
 * NAT-OA in Quick Mode) lives in main_mode.c and quick_mode.c.
 */
#include <errno.h>
#include <string.h>

#include "ike-internal.h"

int ike_natd_hash(enum rv_hash_alg hash, const uint8_t cky_i[8], const uint8_t cky_r[8],
		  uint32_t addr, uint16_t port, uint8_t *out)
{
	uint8_t p[2] = { port >> 8, port };
	struct rv_iov iov[] = { { cky_i, 8 }, { cky_r, 8 }, { &addr, 4 }, { p, 2 } };

	return rv_hash_v(hash, iov, 4, out) < 0 ? -EIO : 0;
}
