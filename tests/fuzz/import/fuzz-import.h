#pragma once
/*
 * The converter's fuzz targets share this body: FUZZ_FORMAT picks the
 * reader. Any bytes must give connections or one clean error; whatever is
 * produced must hold together: the profile text reads back, no secret is
 * in it, and each export of it works or fails cleanly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import-private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_conn(const struct rv_import_conn *c)
{
	static const char *const secret_keys[][2] = {
		{ "ipsec", "psk" }, { "ipsec", "key-password" }, { "ppp", "password" },
		{ "l2tp", "secret" },
	};
	struct rvi_ini *ini = NULL;
	char *merged, *name;

	if (rvi_ini_parse(c->profile_text, strlen(c->profile_text), RVI_INI_KEYFILE, &ini, NULL) < 0)
		__builtin_trap();   /* our own text must read back */
	for (size_t i = 0; i < sizeof(secret_keys) / sizeof(secret_keys[0]); i++) {
		if (rvi_ini_get(rvi_ini_section(ini, secret_keys[i][0]), secret_keys[i][1]))
			__builtin_trap();   /* a secret in the profile text */
	}
	rvi_ini_free(ini);
	name = rv_import_suggest_name(c);
	if (!*name || strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
			      strlen(name) || strlen(name) > 64 || name[0] == '.')
		__builtin_trap();   /* a name the helper's store would refuse */
	free(name);
	merged = rv_import_text_with_secrets(c);
	if (!merged)
		__builtin_trap();
	for (int f = RV_EXPORT_NM_L2TP; f <= RV_EXPORT_PBK; f++) {
		char *out = NULL, *e = NULL;
		size_t len = 0;

		if (rv_export(merged, strlen(merged), NULL, 0, (enum rv_export_format)f, &out, &len,
			      NULL, NULL, &e) < 0 && !e)
			__builtin_trap();   /* a failure always says why */
		free(out);
		free(e);
	}
	free(merged);
}

static int fuzz_one(int (*reader)(const char *, size_t, const struct rv_import_options *,
				  struct rv_import_result *, char **),
		    const uint8_t *data, size_t size)
{
	struct rv_import_result *r = rvi_alloc(sizeof(*r));
	struct rv_import_options o = { .user = "fuzz" };
	char *error = NULL;
	char *copy = rvi_strndup((const char *)data, size);   /* the readers take text */
	int err = reader(copy, size, &o, r, &error);

	if (err < 0 && !error)
		__builtin_trap();
	for (size_t i = 0; err >= 0 && i < r->n_conns; i++)
		check_conn(&r->conns[i]);
	if (err >= 0) {
		char *rep = rv_import_report(r);

		free(rep);
	}
	rv_import_result_free(r);
	free(error);
	free(copy);
	return 0;
}
