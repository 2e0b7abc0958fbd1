#pragma once
/* Fixed test SAs for fuzz-esp.c and gen-corpus.c; index = first input byte % N. */
#include <stdint.h>

#include "esp/esp.h"

static const uint8_t fuzz_esp_enc_key[36] = "fuzz-esp-encryption-key-0123456789";
static const uint8_t fuzz_esp_integ_key[32] = "fuzz-esp-integrity-key-01234567";

#define FUZZ_ESP_SPI 0x1000beefu

static const struct esp_sa_params fuzz_esp_suites[] = {
	{ FUZZ_ESP_SPI, ESP_CIPHER_AES_GCM16, fuzz_esp_enc_key, 20, ESP_INTEG_NONE, NULL, 0 },
	{ FUZZ_ESP_SPI, ESP_CIPHER_AES_GCM16, fuzz_esp_enc_key, 36, ESP_INTEG_NONE, NULL, 0 },
	{ FUZZ_ESP_SPI, ESP_CIPHER_AES_CBC, fuzz_esp_enc_key, 16, ESP_INTEG_HMAC_SHA1_96,
	  fuzz_esp_integ_key, 20 },
	{ FUZZ_ESP_SPI, ESP_CIPHER_AES_CBC, fuzz_esp_enc_key, 32, ESP_INTEG_HMAC_SHA256_128,
	  fuzz_esp_integ_key, 32 },
	{ FUZZ_ESP_SPI, ESP_CIPHER_3DES_CBC, fuzz_esp_enc_key, 24, ESP_INTEG_HMAC_SHA1_96,
	  fuzz_esp_integ_key, 20 },
	{ FUZZ_ESP_SPI, ESP_CIPHER_AES_CBC, fuzz_esp_enc_key, 16, ESP_INTEG_HMAC_MD5_96,
	  fuzz_esp_integ_key, 16 },
};

#define FUZZ_ESP_N_SUITES (sizeof(fuzz_esp_suites) / sizeof(fuzz_esp_suites[0]))
