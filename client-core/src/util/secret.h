#pragma once
/*
 * A secret (password, PSK, tunnel secret). It has no printable form: the
 * only way to the bytes is rv_secret_reveal(), which makes every use easy
 * to audit, and it is wiped on free.
 */
#include <stddef.h>
#include <stdint.h>

struct rv_secret;

struct rv_secret *rv_secret_new(const void *value, size_t len);
struct rv_secret *rv_secret_new_str(const char *value);
struct rv_secret *rv_secret_dup(const struct rv_secret *s);
void rv_secret_free(struct rv_secret *s);
const uint8_t *rv_secret_reveal(const struct rv_secret *s, size_t *ret_len);
size_t rv_secret_len(const struct rv_secret *s);
