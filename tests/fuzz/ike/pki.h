#pragma once
/*
 * The fuzz targets' throwaway PKI (tests/unit/crypto/test-x509-pki.c), made
 * once per process: a CA, the gateway "vpn.example.net" (SAN DNS and IP
 * 198.51.100.1) and a client, as files and loaded.
 */
#include "crypto/x509.h"
#include "test-x509-pki.h"

struct pki_files {
	const char *ca, *client_cert, *client_key, *gw_cert, *gw_key;
	struct rv_x509_store *store;
	struct rv_x509_cred *gw_cred;
};

extern struct pki_files pf;

void fuzz_pki_make(void);
