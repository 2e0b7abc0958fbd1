/* The fuzz targets' throwaway PKI; see pki.h. */
#include <stdlib.h>

#include "pki.h"

struct pki_files pf;

void fuzz_pki_make(void)
{
	struct tp_spec ca_spec = { .dn = "/C=XX/O=roadvpn test/CN=test CA", .is_ca = true };
	struct tp_spec gw_spec = { .dn = "/C=XX/O=roadvpn test/CN=vpn.example.net",
				   .san = "DNS:vpn.example.net,IP:198.51.100.1" };
	struct tp_spec cl_spec = { .dn = "/C=XX/O=roadvpn test/CN=client.example.net" };
	X509 *ca = tp_cert(&ca_spec, tp_key(0), NULL, NULL);
	X509 *gw = tp_cert(&gw_spec, tp_key(1), ca, tp_key(0));
	X509 *cl = tp_cert(&cl_spec, tp_key(2), ca, tp_key(0));

	pf.ca = tp_write_certs("ca.pem", &ca, 1);
	pf.gw_cert = tp_write_certs("gw.pem", &gw, 1);
	pf.client_cert = tp_write_certs("client.pem", &cl, 1);
	pf.gw_key = tp_write_key("gw.key", tp_key(1), NULL);
	pf.client_key = tp_write_key("client.key", tp_key(2), NULL);
	pf.store = rv_x509_store_load(pf.ca, NULL, 0);
	pf.gw_cred = rv_x509_cred_load(pf.gw_cert, pf.gw_key, NULL, NULL, 0);
	if (!pf.store || !pf.gw_cred)
		abort();
	X509_free(ca);
	X509_free(gw);
	X509_free(cl);
}
