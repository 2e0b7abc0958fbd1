#pragma once
/*
 * RFC 2759 MS-CHAPv2 arithmetic (section 8), apart from the packet handling
 * so it is tested against the section 9.2 vectors on its own. Passwords are
 * UTF-8 and converted to UTF-16LE. All functions return 0 or -errno.
 */
#include <stddef.h>
#include <stdint.h>

#define MSCHAPV2_CHALLENGE_LEN 16
#define MSCHAPV2_NT_RESPONSE_LEN 24
#define MSCHAPV2_AUTH_RESPONSE_LEN 20

int mschapv2_nt_password_hash(const uint8_t *password, size_t len, uint8_t ret_hash[16]);
int mschapv2_challenge_hash(const uint8_t peer_challenge[16], const uint8_t auth_challenge[16],
			    const char *user, uint8_t ret_challenge[8]);
int mschapv2_challenge_response(const uint8_t challenge[8], const uint8_t password_hash[16],
				uint8_t ret_response[24]);
int mschapv2_nt_response(const uint8_t auth_challenge[16], const uint8_t peer_challenge[16],
			 const char *user, const uint8_t *password, size_t password_len,
			 uint8_t ret_response[24]);
/* The 20 bytes behind the "S=" hex string of a Success packet. */
int mschapv2_authenticator_response(const uint8_t *password, size_t password_len,
				    const uint8_t nt_response[24],
				    const uint8_t peer_challenge[16],
				    const uint8_t auth_challenge[16], const char *user,
				    uint8_t ret_digest[20]);
