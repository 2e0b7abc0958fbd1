/*
 * Proposal lists from other IKE implementations in roadvpn's names.
 *
 * strongSwan writes "aes256-sha1-modp2048" (a trailing '!' means "only
 * these"), libreswan "aes256-sha2;modp2048" or "aes256-sha2_256-dh14",
 * Windows and Apple name groups by number. roadvpn takes
 * CIPHER-HASH-GROUP for phase 1 and CIPHER-INTEG[-GROUP] or
 * GCM[-GROUP] for ESP (docs/profile.md). A token with anything roadvpn
 * cannot negotiate is left out with a note naming the part; nothing is
 * guessed (a phase 1 token without a group stays out: which group the
 * other implementation would have added is its default, not the file's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-private.h"

enum part_kind { PART_CIPHER, PART_HASH, PART_GROUP, PART_PRF, PART_UNKNOWN };

static const struct rvi_alias ciphers[] = {
	{ "aes", "aes128" },          { "aes128", "aes128" },       { "aes192", "aes192" },
	{ "aes256", "aes256" },       { "3des", "3des" },           { "aes128gcm16", "aes128gcm16" },
	{ "aes256gcm16", "aes256gcm16" }, { "aes_gcm", "aes128gcm16" },
	{ "aes_gcm128", "aes128gcm16" }, { "aes_gcm256", "aes256gcm16" },
	{ "aes_gcm_16", "aes128gcm16" }, { "aes128gcm", "aes128gcm16" },
	{ "aes256gcm", "aes256gcm16" },
};
static const struct rvi_alias hashes[] = {
	{ "md5", "md5" },           { "sha", "sha1" },          { "sha1", "sha1" },
	{ "sha2", "sha256" },       { "sha256", "sha256" },     { "sha2_256", "sha256" },
	{ "sha384", "sha384" },     { "sha2_384", "sha384" },   { "sha512", "sha512" },
	{ "sha2_512", "sha512" },
};
static const struct rvi_alias groups[] = {
	{ "modp1024", "modp1024" }, { "dh2", "modp1024" },      { "modp1536", "modp1536" },
	{ "dh5", "modp1536" },      { "modp2048", "modp2048" }, { "dh14", "modp2048" },
	{ "modp3072", "modp3072" }, { "dh15", "modp3072" },     { "modp4096", "modp4096" },
	{ "dh16", "modp4096" },     { "ecp256", "ecp256" },     { "dh19", "ecp256" },
	{ "ecp384", "ecp384" },     { "dh20", "ecp384" },
};
/* Names that are real algorithms, only not roadvpn's: said as such in the note. */
static const char *const known_unsupported[] = {
	"des", "blowfish", "cast", "camellia", "chacha20poly1305", "aes128ccm16", "aesxcbc",
	"sha2_256_96", "aes_ctr", "null", "modp768", "dh1", "modp6144", "modp8192", "dh17",
	"dh18", "ecp521", "dh21", "curve25519", "x25519", "dh31", "curve448", "modp2048s256",
	"dh24", "modp1024s160", "dh22", "modp2048s224", "dh23", "ecp224", "dh26", "ecp192",
	"dh25",
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

const char *rvi_alias(const struct rvi_alias *t, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (!strcasecmp(t[i].from, s))
			return t[i].to;
	}
	return NULL;
}

const char *rvi_dh_group_name(unsigned int n)
{
	char name[8];

	snprintf(name, sizeof(name), "dh%u", n);
	return rvi_alias(groups, N_OF(groups), name);
}

bool rvi_proposals_group(const char *name)
{
	for (size_t i = 0; name && i < N_OF(groups); i++) {
		if (!strcmp(groups[i].to, name))
			return true;
	}
	return false;
}

static bool is_known_unsupported(const char *s)
{
	for (size_t i = 0; i < N_OF(known_unsupported); i++) {
		if (!strcasecmp(known_unsupported[i], s))
			return true;
	}
	return false;
}

struct token {
	const char *cipher, *hash, *group;
	char bad[64];          /* the first part roadvpn cannot use */
};

static bool is_gcm(const char *cipher)
{
	return cipher && strstr(cipher, "gcm");
}

static void classify(struct token *t, const char *part)
{
	const char *v;

	if ((v = rvi_alias(ciphers, N_OF(ciphers), part)) && !t->cipher)
		t->cipher = v;
	else if ((v = rvi_alias(hashes, N_OF(hashes), part)) && !t->hash)
		t->hash = v;
	else if ((v = rvi_alias(groups, N_OF(groups), part)) && !t->group)
		t->group = v;
	else if (!strncasecmp(part, "prf", 3))
		return;   /* IKEv1 derives its PRF from the hash */
	else if (!t->bad[0])
		snprintf(t->bad, sizeof(t->bad), "%s%s", part,
			 is_known_unsupported(part) ? " (not supported by roadvpn)" : " (unknown)");
}

static void split_token(const char *tok, struct token *t)
{
	char buf[128], *save = NULL;

	*t = (struct token){ 0 };
	snprintf(buf, sizeof(buf), "%s", tok);
	for (char *p = strtok_r(buf, "-;", &save); p; p = strtok_r(NULL, "-;", &save))
		classify(t, p);
}

/* Whether roadvpn's ESP side offers it: no AES-192, integrity SHA-1/SHA-256 only. */
static const char *esp_problem(const struct token *t)
{
	if (!strcmp(t->cipher, "aes192"))
		return "aes192 (ESP: not supported by roadvpn)";
	if (is_gcm(t->cipher))
		return t->hash ? "integrity with GCM (GCM brings its own)" : NULL;
	if (!t->hash)
		return "no integrity algorithm";
	if (strcmp(t->hash, "sha1") && strcmp(t->hash, "sha256"))
		return t->hash;
	return NULL;
}

static const char *p1_problem(const struct token *t)
{
	if (is_gcm(t->cipher))
		return "GCM (not in IKEv1 phase 1)";
	if (!t->hash)
		return "no hash";
	if (!t->group)
		return "no DH group";
	return NULL;
}

/* One token in roadvpn's form, or NULL with a note. */
static char *map_token(struct rvi_conn *c, const char *field, const char *tok, bool phase1)
{
	struct token t;
	const char *problem;

	split_token(tok, &t);
	if (!t.cipher && !t.bad[0])
		snprintf(t.bad, sizeof(t.bad), "no cipher");
	problem = t.bad[0] ? t.bad : phase1 ? p1_problem(&t) : esp_problem(&t);
	if (problem) {
		rvi_left(c, field, "proposal \"%s\": %s: left out", tok, problem);
		return NULL;
	}
	if (phase1)
		return rvi_printf("%s-%s-%s", t.cipher, t.hash, t.group);
	if (is_gcm(t.cipher))
		return t.group ? rvi_printf("%s-%s", t.cipher, t.group) : rvi_strdup(t.cipher);
	return t.group ? rvi_printf("%s-%s-%s", t.cipher, t.hash, t.group)
		       : rvi_printf("%s-%s", t.cipher, t.hash);
}

static void append(struct rvi_buf *b, const char *s)
{
	/* the same proposal twice (aes and aes128) is offered once */
	if (b->p) {
		size_t n = strlen(s);

		for (const char *p = b->p; (p = strstr(p, s)); p += n) {
			if ((p == b->p || p[-1] == ',') && (p[n] == ',' || !p[n]))
				return;
		}
	}
	if (b->len)
		rvi_buf_add(b, ",", 1);
	rvi_buf_add(b, s, strlen(s));
}

char *rvi_proposals(struct rvi_conn *c, const char *field, const char *list, bool phase1)
{
	struct rvi_buf out = { 0 };
	char *copy = rvi_strdup(list), *save = NULL;
	size_t len = strlen(copy);
	bool strict = len && copy[len - 1] == '!';
	unsigned int n = 0;

	if (strict)
		copy[len - 1] = '\0';
	for (char *tok = strtok_r(copy, ", ", &save); tok && n < 32;
	     tok = strtok_r(NULL, ", ", &save), n++) {
		char *m = map_token(c, field, tok, phase1);

		if (m)
			append(&out, m);
		free(m);
	}
	free(copy);
	if (!out.len) {
		rvi_left(c, field, "no proposal roadvpn can offer: left at roadvpn's default list");
		return NULL;
	}
	if (!strict)
		rvi_info(c, field, "roadvpn offers exactly this list (strongSwan would also have "
				   "added its defaults without a trailing '!')");
	return rvi_buf_steal(&out);
}
