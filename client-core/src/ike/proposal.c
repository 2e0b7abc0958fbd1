/*
 * Proposals: our offers, their names ("aes256-sha256-modp2048"), the SA
 * payloads of RFC 2408 §3.4-3.6 with the attributes of RFC 2409 App. A
 * (phase 1) and RFC 2407 §4.5 (phase 2), and checking the gateway's pick.
 *
 * With no ike=/esp= in the profile the lists are automatic (the probe of
 * main_mode.c): phase 1 first offers the IKE_FIRST_OFFER strongest suites
 * of auto_ike, ordered as Windows and Apple order theirs (SHA-256 before
 * SHA-1, MODP2048 and the ECP groups before MODP1536); the rest are single-
 * suite probes after NO-PROPOSAL-CHOSEN. Legacy suites (3DES, MD5, MODP1024)
 * are offered only when the profile allows them, but still probed, never
 * used, when it does not: the failure can then name the suite the gateway
 * wants. The suite that worked last time (cfg.preferred_ike/esp) goes first.
 * Phase 1 offers one proposal with one transform per suite; phase 2 one
 * ESP proposal with one transform per suite, as Windows does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ike-internal.h"

/* Strong first; the legacy ones last, 3des-sha1-modp1024 (RRAS, Meraki) leading them. */
static const char *const auto_ike =
	"aes256-sha256-modp2048,aes128-sha256-modp2048,aes256-sha1-modp2048,aes128-sha1-modp2048,"
	"aes256-sha256-ecp384,aes128-sha256-ecp256,aes256-sha1-ecp384,aes128-sha1-ecp256,"
	"aes256-sha1-modp1536,3des-sha1-modp1024,aes256-sha1-modp1024,aes128-sha1-modp1024,"
	"3des-sha1-modp1536";
static const char *const auto_esp =
	"aes128gcm16,aes256gcm16,aes256-sha256,aes128-sha256,aes256-sha1,aes128-sha1,3des-sha1";

struct name_val {
	const char *name;
	unsigned int val;
};

static const struct name_val groups[] = {
	{ "modp1024", RV_DH_MODP1024 }, { "modp1536", RV_DH_MODP1536 },
	{ "modp2048", RV_DH_MODP2048 }, { "modp3072", RV_DH_MODP3072 },
	{ "modp4096", RV_DH_MODP4096 }, { "ecp256", RV_DH_ECP256 },
	{ "ecp384", RV_DH_ECP384 },
};
static const struct name_val hashes[] = {
	{ "md5", IKE_HASH_MD5 },       { "sha1", IKE_HASH_SHA1 },     { "sha256", IKE_HASH_SHA256 },
	{ "sha384", IKE_HASH_SHA384 }, { "sha512", IKE_HASH_SHA512 },
};
/* value = enc << 16 | key bits */
static const struct name_val p1_ciphers[] = {
	{ "aes128", IKE_ENC_AES << 16 | 128 }, { "aes192", IKE_ENC_AES << 16 | 192 },
	{ "aes256", IKE_ENC_AES << 16 | 256 }, { "3des", IKE_ENC_3DES << 16 },
};
static const struct name_val p2_ciphers[] = {
	{ "aes128", ESP_T_AES_CBC << 16 | 128 },   { "aes256", ESP_T_AES_CBC << 16 | 256 },
	{ "3des", ESP_T_3DES << 16 },              { "aes128gcm16", ESP_T_AES_GCM16 << 16 | 128 },
	{ "aes256gcm16", ESP_T_AES_GCM16 << 16 | 256 },
};
static const struct name_val p2_integ[] = {
	{ "sha1", ESP_AUTH_HMAC_SHA1 },
	{ "sha256", ESP_AUTH_HMAC_SHA256 },
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static bool lookup(const struct name_val *t, size_t n, const char *s, size_t len,
		   unsigned int *ret)
{
	for (size_t i = 0; i < n; i++) {
		if (strlen(t[i].name) == len && !strncmp(t[i].name, s, len)) {
			*ret = t[i].val;
			return true;
		}
	}
	return false;
}

static const char *name_of(const struct name_val *t, size_t n, unsigned int v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].val == v)
			return t[i].name;
	return "?";
}

/* Split "a-b-c" into at most 4 parts; returns the count or -1 when there are more. */
static int split(const char *s, size_t len, const char *part[4], size_t plen[4])
{
	int n = 0;
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '-')
			continue;
		if (n == 4)
			return -1;
		part[n] = s + start;
		plen[n++] = i - start;
		start = i + 1;
	}
	return n;
}

static int bad_token(char *err, size_t size, const char *what, const char *tok, size_t len)
{
	snprintf(err, size, "%s: unknown or malformed proposal \"%.*s\"", what,
		 (int)(len > 60 ? 60 : len), tok);
	return -EINVAL;
}

static int parse_p1_token(const char *s, size_t len, struct ike_p1_proposal *ret)
{
	const char *part[4];
	size_t plen[4];
	unsigned int enc, hash, group;

	if (split(s, len, part, plen) != 3 || !lookup(p1_ciphers, N_OF(p1_ciphers), part[0],
						      plen[0], &enc) ||
	    !lookup(hashes, N_OF(hashes), part[1], plen[1], &hash) ||
	    !lookup(groups, N_OF(groups), part[2], plen[2], &group))
		return -EINVAL;
	*ret = (struct ike_p1_proposal){ .enc = enc >> 16, .key_bits = enc & 0xffff,
					 .hash = hash, .group = group };
	return 0;
}

/* "aes256-sha1", "aes128gcm16", each with an optional "-GROUP" for PFS. */
static int parse_p2_token(const char *s, size_t len, struct ike_p2_proposal *ret,
			  unsigned int *ret_group)
{
	const char *part[4];
	size_t plen[4];
	unsigned int enc, integ = ESP_AUTH_NONE, group = 0;
	int n = split(s, len, part, plen), i = 1;

	if (n < 1 || !lookup(p2_ciphers, N_OF(p2_ciphers), part[0], plen[0], &enc))
		return -EINVAL;
	if ((enc >> 16) != ESP_T_AES_GCM16) {
		if (n < 2 || !lookup(p2_integ, N_OF(p2_integ), part[1], plen[1], &integ))
			return -EINVAL;
		i = 2;
	}
	if (i < n && !lookup(groups, N_OF(groups), part[i], plen[i], &group))
		return -EINVAL;
	if (i < n)
		i++;
	if (i != n)
		return -EINVAL;
	*ret = (struct ike_p2_proposal){ .transform = enc >> 16, .key_bits = enc & 0xffff,
					 .auth = integ };
	*ret_group = group;
	return 0;
}

static int parse_list(const char *list, const char *what, struct ike_proposals *ps, bool is_p1,
		      unsigned int *pfs_from_esp, char *err, size_t err_size)
{
	const char *s = list;

	while (*s) {
		size_t len = strcspn(s, ",");
		const char *tok = s;
		unsigned int group = 0;
		int r;

		while (len && (*tok == ' ' || *tok == '\t'))
			tok++, len--;
		while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t'))
			len--;
		if ((is_p1 ? ps->n_p1 : ps->n_p2) == IKE_MAX_PROPOSALS) {
			snprintf(err, err_size, "%s: more than %d proposals", what,
				 IKE_MAX_PROPOSALS);
			return -EINVAL;
		}
		r = is_p1 ? parse_p1_token(tok, len, &ps->p1[ps->n_p1])
			  : parse_p2_token(tok, len, &ps->p2[ps->n_p2], &group);
		if (r < 0)
			return bad_token(err, err_size, what, tok, len);
		if (!is_p1 && group && *pfs_from_esp && group != *pfs_from_esp) {
			snprintf(err, err_size, "%s: all proposals must use one PFS group (\"%.*s\")",
				 what, (int)(len > 60 ? 60 : len), tok);
			return -EINVAL;
		}
		if (group)
			*pfs_from_esp = group;
		if (is_p1)
			ps->n_p1++;
		else
			ps->n_p2++;
		s = tok + len;
		s += strcspn(s, ",");
		if (*s == ',')
			s++;
	}
	if ((is_p1 ? ps->n_p1 : ps->n_p2) == 0) {
		snprintf(err, err_size, "%s: empty proposal list", what);
		return -EINVAL;
	}
	return 0;
}

static int parse_pfs(const char *pfs, unsigned int esp_group, struct ike_proposals *ps,
		     char *err, size_t err_size)
{
	unsigned int group = 0;

	if (pfs && strcmp(pfs, "none") && strcmp(pfs, "no") && *pfs &&
	    !lookup(groups, N_OF(groups), pfs, strlen(pfs), &group)) {
		snprintf(err, err_size, "pfs: unknown group \"%.40s\"", pfs);
		return -EINVAL;
	}
	if (esp_group && pfs && group != esp_group) {
		snprintf(err, err_size, "pfs \"%.40s\" conflicts with the ESP proposals' group",
			 pfs);
		return -EINVAL;
	}
	ps->pfs = esp_group ? esp_group : group;
	ps->pfs_auto = !pfs && !esp_group;
	return 0;
}

bool ike_p1_is_legacy(const struct ike_p1_proposal *p)
{
	return p->enc == IKE_ENC_3DES || p->hash == IKE_HASH_MD5 || p->group == RV_DH_MODP1024;
}

bool ike_p2_is_legacy(const struct ike_p2_proposal *p)
{
	return p->transform == ESP_T_3DES;
}

static bool p1_same(const struct ike_p1_proposal *a, const struct ike_p1_proposal *b)
{
	return a->enc == b->enc && a->key_bits == b->key_bits && a->hash == b->hash &&
	       a->group == b->group;
}

static bool p2_same(const struct ike_p2_proposal *a, const struct ike_p2_proposal *b)
{
	return a->transform == b->transform && a->key_bits == b->key_bits && a->auth == b->auth;
}

/*
 * Phase 1 automatic: the remembered suite (when it parses and is allowed),
 * then the strongest allowed suites up to IKE_FIRST_OFFER; every other
 * candidate becomes a single-suite probe, at most IKE_MAX_P1_PROBES.
 */
static void auto_p1(const struct ike_config *cfg, struct ike_proposals *ps)
{
	struct ike_proposals all = { 0 };
	struct ike_p1_proposal pref;
	char err[8];
	bool has_pref = cfg->preferred_ike &&
			parse_p1_token(cfg->preferred_ike, strlen(cfg->preferred_ike), &pref) == 0 &&
			(cfg->allow_legacy || !ike_p1_is_legacy(&pref));

	parse_list(auto_ike, "ike", &all, true, NULL, err, sizeof(err));
	ps->n_p1 = ps->n_probe = 0;
	if (has_pref)
		ps->p1[ps->n_p1++] = pref;
	for (size_t i = 0; i < all.n_p1; i++) {
		const struct ike_p1_proposal *c = &all.p1[i];
		bool is_offer = ps->n_p1 < IKE_FIRST_OFFER &&
				(cfg->allow_legacy || !ike_p1_is_legacy(c));

		if (has_pref && p1_same(c, &pref))
			continue;
		if (is_offer)
			ps->p1[ps->n_p1++] = *c;
		else if (ps->n_probe < IKE_MAX_P1_PROBES)
			ps->probe[ps->n_probe++] = *c;
	}
	ps->is_auto_p1 = true;
}

/* Phase 2 automatic: the allowed suites in one offer, the remembered one first. */
static void auto_p2(const struct ike_config *cfg, struct ike_proposals *ps)
{
	struct ike_proposals all = { 0 };
	struct ike_p2_proposal pref;
	unsigned int group = 0;
	char err[8];
	bool has_pref = cfg->preferred_esp &&
			parse_p2_token(cfg->preferred_esp, strlen(cfg->preferred_esp), &pref,
				       &group) == 0 &&
			!group && (cfg->allow_legacy || !ike_p2_is_legacy(&pref));

	parse_list(auto_esp, "esp", &all, false, &group, err, sizeof(err));
	ps->n_p2 = 0;
	if (has_pref)
		ps->p2[ps->n_p2++] = pref;
	for (size_t i = 0; i < all.n_p2; i++) {
		if ((has_pref && p2_same(&all.p2[i], &pref)) ||
		    (!cfg->allow_legacy && ike_p2_is_legacy(&all.p2[i])))
			continue;
		ps->p2[ps->n_p2++] = all.p2[i];
	}
	ps->is_auto_p2 = true;
}

int ike_proposals_parse(const struct ike_config *cfg, struct ike_proposals *ret, char *err,
			size_t err_size)
{
	struct ike_proposals ps = { 0 };
	unsigned int esp_group = 0;
	int r = 0;

	if (cfg->ike_proposals)
		r = parse_list(cfg->ike_proposals, "ike proposals", &ps, true, NULL, err, err_size);
	else
		auto_p1(cfg, &ps);
	if (r < 0)
		return r;
	if (cfg->esp_proposals)
		r = parse_list(cfg->esp_proposals, "esp proposals", &ps, false, &esp_group, err,
			       err_size);
	else
		auto_p2(cfg, &ps);
	if (r < 0)
		return r;
	r = parse_pfs(cfg->pfs, esp_group, &ps, err, err_size);
	if (r < 0)
		return r;
	*ret = ps;
	return 0;
}

void ike_p1_name(const struct ike_p1_proposal *p, char *out, size_t size)
{
	const char *enc = p->enc == IKE_ENC_3DES ? "3des" : p->key_bits == 128 ? "aes128"
						   : p->key_bits == 192	   ? "aes192"
									   : "aes256";

	snprintf(out, size, "%s-%s-%s", enc, name_of(hashes, N_OF(hashes), p->hash),
		 name_of(groups, N_OF(groups), p->group));
}

void ike_p2_name(const struct ike_p2_proposal *p, unsigned int pfs, char *out, size_t size)
{
	const char *enc = name_of(p2_ciphers, N_OF(p2_ciphers),
				  (unsigned int)p->transform << 16 | p->key_bits);
	int n;

	if (p->transform == ESP_T_AES_GCM16)
		n = snprintf(out, size, "%.6s-gcm16", enc);
	else
		n = snprintf(out, size, "%s-%s", enc, name_of(p2_integ, N_OF(p2_integ), p->auth));
	if (pfs && n > 0 && (size_t)n < size)
		snprintf(out + n, size - (size_t)n, "-%s", name_of(groups, N_OF(groups), pfs));
}

void ike_p2_suite(const struct ike_p2_proposal *p, char *out, size_t size)
{
	const char *enc = name_of(p2_ciphers, N_OF(p2_ciphers),
				  (unsigned int)p->transform << 16 | p->key_bits);

	if (p->transform == ESP_T_AES_GCM16)
		snprintf(out, size, "%s", enc);
	else
		snprintf(out, size, "%s-%s", enc, name_of(p2_integ, N_OF(p2_integ), p->auth));
}

static void append_name(char *out, size_t size, size_t *used, const char *name, bool *is_cut)
{
	size_t need = strlen(name) + (*used ? 2 : 0);

	if (*is_cut)
		return;
	if (*used + need + 5 >= size) {
		snprintf(out + *used, size - *used, "%s...", *used ? ", " : "");
		*is_cut = true;
		return;
	}
	*used += (size_t)snprintf(out + *used, size - *used, "%s%s", *used ? ", " : "", name);
}

void ike_p1_list(const struct ike_proposals *ps, size_t n, char *out, size_t size)
{
	size_t used = 0;
	bool is_cut = false;
	char name[48];

	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		ike_p1_name(&ps->p1[i], name, sizeof(name));
		append_name(out, size, &used, name, &is_cut);
	}
}

void ike_p2_list(const struct ike_proposals *ps, unsigned int pfs, char *out, size_t size)
{
	size_t used = 0;
	bool is_cut = false;
	char name[48];

	out[0] = 0;
	for (size_t i = 0; i < ps->n_p2; i++) {
		ike_p2_name(&ps->p2[i], pfs, name, sizeof(name));
		append_name(out, size, &used, name, &is_cut);
	}
}

enum rv_hash_alg ike_hash_alg(enum ike_hash h)
{
	switch (h) {
	case IKE_HASH_MD5:
		return RV_HASH_MD5;
	case IKE_HASH_SHA1:
		return RV_HASH_SHA1;
	case IKE_HASH_SHA256:
		return RV_HASH_SHA256;
	case IKE_HASH_SHA384:
		return RV_HASH_SHA384;
	case IKE_HASH_SHA512:
		return RV_HASH_SHA512;
	}
	return RV_HASH_SHA1;
}

enum rv_cbc_cipher ike_cbc_cipher(enum ike_enc e)
{
	return e == IKE_ENC_3DES ? RV_CBC_3DES : RV_CBC_AES;
}

size_t ike_enc_key_len(const struct ike_p1_proposal *p)
{
	return p->enc == IKE_ENC_3DES ? 24 : p->key_bits / 8u;
}

size_t ike_p2_enc_key_len(const struct ike_p2_proposal *p)
{
	switch (p->transform) {
	case ESP_T_3DES:
		return 24;
	case ESP_T_AES_GCM16:
		return p->key_bits / 8u + 4;
	}
	return p->key_bits / 8u;
}

size_t ike_p2_integ_key_len(const struct ike_p2_proposal *p)
{
	switch (p->auth) {
	case ESP_AUTH_HMAC_SHA1:
		return 20;
	case ESP_AUTH_HMAC_SHA256:
		return 32;
	}
	return 0;
}

/*
 * The SA payload's body up to its one proposal's transforms (phase 1 and
 * 2 alike): DOI, situation, then the proposal header, whose length
 * sa_proposal_end() fills in. Returns where the proposal starts.
 */
static size_t sa_proposal_begin(struct rv_writer *w, uint8_t proto, size_t n_transforms)
{
	size_t prop_at;

	rv_writer_u32(w, ISAKMP_DOI_IPSEC);
	rv_writer_u32(w, ISAKMP_SIT_IDENTITY_ONLY);
	prop_at = w->len;
	rv_writer_u8(w, ISAKMP_PL_NONE);
	rv_writer_u8(w, 0);
	rv_writer_u16(w, 0);
	rv_writer_u8(w, 1);
	rv_writer_u8(w, proto);
	/* ISAKMP proposals carry no SPI; ESP ones our 4-byte inbound SPI, written next. */
	rv_writer_u8(w, proto == ISAKMP_PROTO_ISAKMP ? 0 : 4);
	rv_writer_u8(w, (uint8_t)n_transforms);
	return prop_at;
}

/* Transform i of n: its header; the caller writes the attributes, then sa_payload_end(). */
static size_t sa_transform_begin(struct rv_writer *w, size_t i, size_t n, uint8_t id)
{
	size_t t_at = w->len;

	rv_writer_u8(w, i + 1 < n ? ISAKMP_PL_T : ISAKMP_PL_NONE);
	rv_writer_u8(w, 0);
	rv_writer_u16(w, 0);
	rv_writer_u8(w, (uint8_t)(i + 1));
	rv_writer_u8(w, id);
	rv_writer_u16(w, 0);
	return t_at;
}

/* The length field of the proposal or transform payload that started at `at`. */
static void sa_payload_end(struct rv_writer *w, size_t at)
{
	rv_writer_put_u16_at(w, at + 2, (uint16_t)(w->len - at));
}

/* One proposal (ISAKMP, no SPI) with one KEY_IKE transform per suite. */
void ike_sa_p1_build(struct rv_writer *w, const struct ike_p1_proposal *p, size_t n,
		     uint32_t lifetime)
{
	size_t prop_at = sa_proposal_begin(w, ISAKMP_PROTO_ISAKMP, n);

	for (size_t i = 0; i < n; i++) {
		size_t t_at = sa_transform_begin(w, i, n, ISAKMP_KEY_IKE);

		ike_attr_basic(w, IKE_ATTR_ENC, p[i].enc);
		if (p[i].key_bits)
			ike_attr_basic(w, IKE_ATTR_KEY_LEN, p[i].key_bits);
		ike_attr_basic(w, IKE_ATTR_HASH, p[i].hash);
		ike_attr_basic(w, IKE_ATTR_AUTH, p[i].auth ? p[i].auth : IKE_AUTH_PSK);
		ike_attr_basic(w, IKE_ATTR_GROUP, (uint16_t)p[i].group);
		ike_attr_basic(w, IKE_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		ike_attr_u32(w, IKE_ATTR_LIFE_DURATION, lifetime);
		sa_payload_end(w, t_at);
	}
	sa_payload_end(w, prop_at);
}

/* Read the SA header and return a reader over the proposal payloads. */
static int sa_open(const struct ike_payload *sa, struct rv_reader *ret)
{
	struct rv_reader r = rv_reader_init(sa->body, sa->len);
	uint32_t doi, sit;

	if (!rv_reader_u32(&r, &doi) || !rv_reader_u32(&r, &sit))
		return -EBADMSG;
	if (doi != ISAKMP_DOI_IPSEC)
		return -EBADMSG;
	*ret = r;
	return 0;
}

struct sub_payload {
	uint8_t next;
	struct rv_reader body;
	const uint8_t *start;
	size_t total;
};

/* Proposal and transform payloads share the generic header. */
static int sub_next(struct rv_reader *r, struct sub_payload *ret)
{
	uint8_t reserved;
	uint16_t len;

	ret->start = rv_reader_ptr(r);
	if (!rv_reader_u8(r, &ret->next) || !rv_reader_u8(r, &reserved) ||
	    !rv_reader_u16(r, &len) || len < 4 || !rv_reader_sub(r, len - 4u, &ret->body))
		return -EBADMSG;
	ret->total = len;
	return 0;
}

static int p1_attrs(struct rv_reader *r, struct ike_p1_proposal *p, uint32_t *life,
		    uint16_t *auth)
{
	uint16_t type;
	uint32_t v;
	int k;

	while ((k = ike_attr_next(r, &type, &v)) > 0) {
		switch (type) {
		case IKE_ATTR_ENC:
			p->enc = v;
			break;
		case IKE_ATTR_HASH:
			p->hash = v;
			break;
		case IKE_ATTR_AUTH:
			*auth = (uint16_t)v;
			break;
		case IKE_ATTR_GROUP:
			p->group = v;
			break;
		case IKE_ATTR_KEY_LEN:
			p->key_bits = (uint16_t)v;
			break;
		case IKE_ATTR_LIFE_DURATION:
			*life = v;
			break;
		}
	}
	return k;
}

int ike_sa_p1_parse(const struct ike_payload *sa, struct ike_p1_proposal *ret,
		    uint32_t *ret_life)
{
	struct ike_p1_proposal p = { 0 };
	struct sub_payload prop, t;
	struct rv_reader r;
	uint8_t num, proto, spi_size, n_t, t_num, t_id;
	uint16_t auth = 0;
	uint32_t life = 0;

	if (sa_open(sa, &r) < 0 || sub_next(&r, &prop) < 0)
		return -EBADMSG;
	if (!rv_reader_u8(&prop.body, &num) || !rv_reader_u8(&prop.body, &proto) ||
	    !rv_reader_u8(&prop.body, &spi_size) || !rv_reader_u8(&prop.body, &n_t) ||
	    !rv_reader_skip(&prop.body, spi_size) || sub_next(&prop.body, &t) < 0)
		return -EBADMSG;
	if (!rv_reader_u8(&t.body, &t_num) || !rv_reader_u8(&t.body, &t_id) ||
	    !rv_reader_skip(&t.body, 2) || p1_attrs(&t.body, &p, &life, &auth) < 0)
		return -EBADMSG;
	/* a responder picks exactly one transform of one proposal */
	if (proto != ISAKMP_PROTO_ISAKMP || n_t != 1 || prop.next != ISAKMP_PL_NONE ||
	    t.next != ISAKMP_PL_NONE || (auth != IKE_AUTH_PSK && auth != IKE_AUTH_RSA_SIG))
		return -EPROTO;
	p.auth = auth;
	*ret = p;
	*ret_life = life;
	return 0;
}

/* One ESP proposal carrying our inbound SPI, one transform per suite. */
void ike_sa_p2_build(struct rv_writer *w, const struct ike_p2_proposal *p, size_t n,
		     uint32_t spi, uint16_t encap, unsigned int pfs, uint32_t lifetime)
{
	size_t prop_at = sa_proposal_begin(w, ISAKMP_PROTO_ESP, n);

	rv_writer_u32(w, spi);
	for (size_t i = 0; i < n; i++) {
		size_t t_at = sa_transform_begin(w, i, n, p[i].transform);

		ike_attr_basic(w, ESP_ATTR_LIFE_TYPE, IKE_LIFE_SECONDS);
		ike_attr_u32(w, ESP_ATTR_LIFE_DURATION, lifetime);
		ike_attr_basic(w, ESP_ATTR_ENCAP, encap);
		if (p[i].auth)
			ike_attr_basic(w, ESP_ATTR_AUTH, p[i].auth);
		if (p[i].key_bits)
			ike_attr_basic(w, ESP_ATTR_KEY_LEN, p[i].key_bits);
		if (pfs)
			ike_attr_basic(w, ESP_ATTR_GROUP, (uint16_t)pfs);
		sa_payload_end(w, t_at);
	}
	sa_payload_end(w, prop_at);
}

static int p2_attrs(struct rv_reader *r, struct ike_p2_choice *c)
{
	uint16_t type;
	uint32_t v, life_type = IKE_LIFE_SECONDS;
	int k;

	while ((k = ike_attr_next(r, &type, &v)) > 0) {
		switch (type) {
		case ESP_ATTR_LIFE_TYPE:
			life_type = v;
			break;
		case ESP_ATTR_LIFE_DURATION:
			/* a lifetime in kilobytes is not a time limit */
			if (life_type == IKE_LIFE_SECONDS)
				c->life = v;
			break;
		case ESP_ATTR_GROUP:
			c->group = v;
			break;
		case ESP_ATTR_ENCAP:
			c->encap = (uint16_t)v;
			break;
		case ESP_ATTR_AUTH:
			c->p.auth = (uint16_t)v;
			break;
		case ESP_ATTR_KEY_LEN:
			c->p.key_bits = (uint16_t)v;
			break;
		}
	}
	return k;
}

static int p2_transforms(struct rv_reader *body, uint8_t num, uint32_t spi,
			 bool (*accept)(void *ctx, const struct ike_p2_choice *c), void *ctx,
			 struct ike_p2_choice *ret)
{
	uint8_t next = ISAKMP_PL_T;

	while (next == ISAKMP_PL_T) {
		struct ike_p2_choice c = { .proposal_no = num, .spi = spi };
		struct sub_payload t;
		uint8_t t_num;

		if (sub_next(body, &t) < 0 || !rv_reader_u8(&t.body, &t_num) ||
		    !rv_reader_u8(&t.body, &c.p.transform) || !rv_reader_skip(&t.body, 2) ||
		    p2_attrs(&t.body, &c) < 0)
			return -EBADMSG;
		next = t.next;
		c.transform = t.start;
		c.transform_len = t.total;
		if (accept(ctx, &c)) {
			*ret = c;
			return 0;
		}
	}
	return -ENOENT;
}

int ike_sa_p2_select(const struct ike_payload *sa,
		     bool (*accept)(void *ctx, const struct ike_p2_choice *c), void *ctx,
		     struct ike_p2_choice *ret)
{
	struct rv_reader r;
	uint8_t next = ISAKMP_PL_P;

	if (sa_open(sa, &r) < 0)
		return -EBADMSG;
	while (next == ISAKMP_PL_P) {
		struct sub_payload prop;
		uint8_t num, proto, spi_size, n_t;
		uint32_t spi = 0;
		int k;

		if (sub_next(&r, &prop) < 0 || !rv_reader_u8(&prop.body, &num) ||
		    !rv_reader_u8(&prop.body, &proto) || !rv_reader_u8(&prop.body, &spi_size) ||
		    !rv_reader_u8(&prop.body, &n_t))
			return -EBADMSG;
		if (spi_size == 4 ? !rv_reader_u32(&prop.body, &spi)
				  : !rv_reader_skip(&prop.body, spi_size))
			return -EBADMSG;
		next = prop.next;
		if (proto != ISAKMP_PROTO_ESP || spi_size != 4)
			continue;
		k = p2_transforms(&prop.body, num, spi, accept, ctx, ret);
		if (k != -ENOENT)
			return k;
	}
	return -ENOENT;
}
