/*
 * [ipsec] remote-id as the IKE code takes it: ike_check_config() parses it
 * (dn:, fqdn:, email:, ipv4: or untagged), then an initiator with
 * certificates runs Main Mode against the unit tests' scripted gateway,
 * whose certificate (CN and SAN DNS vpn.example.net, SAN IP 198.51.100.1)
 * is matched against it in MM6. The first byte's low bit sets
 * allow-wildcard; the rest is the remote-id.
 *
 * Oracle: the gateway's own names must bring phase 1 up; anything else is
 * refused or accepted without a crash and with a bounded message.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pki.h"
#include "gw-link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const gateway_names[] = {
	"vpn.example.net", "fqdn:vpn.example.net", "198.51.100.1", "ipv4:198.51.100.1",
	"dn:C=XX, O=roadvpn test, CN=vpn.example.net", "CN=vpn.example.net,O=roadvpn test,C=XX",
};

static bool is_gateway_name(const char *id)
{
	for (size_t i = 0; i < sizeof(gateway_names) / sizeof(gateway_names[0]); i++) {
		if (!strcmp(id, gateway_names[i]))
			return true;
	}
	return false;
}

/* Main Mode to its end: until nobody has anything more to say. */
static void run_main_mode(struct ike *ike, struct gw_link *l, struct fake_gw *gw)
{
	for (int i = 0; i < 6 && gw_link_to_gw(l, gw); i++) {
		gw_link_to_client(gw, ike, false, 0);
		if (ike->state != IKE_STATE_MM_I1 && ike->state != IKE_STATE_MM_I2 &&
		    ike->state != IKE_STATE_MM_I3)
			break;
	}
}

static void handshake(const char *remote_id, bool wildcard)
{
	struct ike_config cfg = {
		.local_addr = inet_addr("198.51.100.2"), .remote_addr = inet_addr("198.51.100.1"),
		.auth_cert = true, .cert_file = pf.client_cert, .key_file = pf.client_key,
		.ca_file = pf.ca, .remote_id = remote_id, .allow_wildcard = wildcard,
		.no_natt = true,
	};
	struct fake_gw_config g = { .addr = cfg.remote_addr, .client_seen_addr = cfg.local_addr,
				    .cred = pf.gw_cred };
	struct gw_link link = { .has_new = false };
	struct fake_gw gw;
	struct ike *ike;
	char err[200] = "";

	if (ike_check_config(&cfg, err, sizeof(err)) < 0) {
		if (strnlen(err, sizeof(err)) >= sizeof(err) || is_gateway_name(remote_id))
			abort();
		return;
	}
	ike = ike_new(&cfg, &gw_link_ops, &link);
	if (!ike)
		abort();
	fake_gw_init(&gw, &g);
	ike_start(ike, 0);
	run_main_mode(ike, &link, &gw);
	if (is_gateway_name(remote_id) && ike->state != IKE_STATE_ESTABLISHED)
		abort();
	ike_free(ike);
	fake_gw_free(&gw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *id;

	if (!pf.store)
		fuzz_pki_make();
	if (size < 1 || size > 1024)
		return 0;
	id = strndup((const char *)data + 1, size - 1);
	if (id)
		handshake(id, data[0] & 1);
	free(id);
	return 0;
}
