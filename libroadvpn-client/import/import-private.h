#pragma once
/*
 * Inside the converter: a growable text buffer, a bounded INI reader
 * (NetworkManager keyfiles, rasphone.pbk, roadvpn profiles), and the
 * connection under construction (profile keys, secrets, files, notes).
 */
#include <libintl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "roadvpn-client/rv-import.h"

/*
 * The report and the errors are for people: looked up in roadvpn's gettext
 * domain (po/) with libc's own gettext, no GLib. The front end bound the
 * domain and set the locale; without that they stay English. rvi_fail()
 * and rvi_note() (rvi_left, rvi_info) translate their format themselves
 * (xgettext knows them as keywords: po/meson.build).
 */
#define _(s) dgettext(GETTEXT_PACKAGE, s)
#define N_(s) (s)

#define RVI_PRINTF(a, b) __attribute__((format(printf, a, b)))

void *rvi_alloc(size_t n);
char *rvi_strdup(const char *s);
char *rvi_strndup(const char *s, size_t n);
char *rvi_printf(const char *fmt, ...) RVI_PRINTF(1, 2);
/* A random (version 4) UUID in upper case. */
char *rvi_new_uuid(void);
/* Wipe then free a string that may hold a secret. */
void rvi_free_secret(char *s);

/* Sets *error (if error) to the formatted line; returns -err. */
int rvi_fail(char **error, int err, const char *fmt, ...) RVI_PRINTF(3, 4);
/* The same with a line already in the user's language (a reason passed up). */
int rvi_fail_text(char **error, int err, const char *text);

struct rvi_buf {
	char *p;
	size_t len, cap;
};
void rvi_buf_add(struct rvi_buf *b, const char *s, size_t n);
void rvi_buf_printf(struct rvi_buf *b, const char *fmt, ...) RVI_PRINTF(2, 3);
/* The text, NUL-terminated, now the caller's; the buffer is empty again. */
char *rvi_buf_steal(struct rvi_buf *b);

/* ---- INI ---- */
enum rvi_ini_flavor {
	RVI_INI_KEYFILE,   /* GKeyFile rules: '#' comments, \s \n \t \r \\ escapes */
	RVI_INI_PBK,       /* Windows: ';' or '#' comments, no escapes, CRLF, BOM */
};

struct rvi_ini_kv {
	char *key, *value;
	unsigned int line;
};

struct rvi_ini_section {
	char *name;
	struct rvi_ini_kv *kv;
	size_t n_kv;
	unsigned int line;
};

struct rvi_ini {
	struct rvi_ini_section *sec;
	size_t n_sec;
	char *leading_comment;   /* first comment line before any section, if any */
};

#define RVI_INI_MAX_SECTIONS 256
#define RVI_INI_MAX_KEYS 512

int rvi_ini_parse(const char *data, size_t len, enum rvi_ini_flavor flavor,
		  struct rvi_ini **ret, char **error);
void rvi_ini_free(struct rvi_ini *ini);
const struct rvi_ini_section *rvi_ini_section(const struct rvi_ini *ini, const char *name);
const char *rvi_ini_get(const struct rvi_ini_section *s, const char *key);
/* Case-insensitive key lookup (Windows keys). */
const char *rvi_ini_get_ci(const struct rvi_ini_section *s, const char *key);

/* ---- the connection being built ---- */
#define RVI_MAX_KEYS 48
#define RVI_MAX_NOTES 96

struct rvi_conn {
	char *name;
	struct {
		const char *section;   /* a static name */
		char *key, *value;
	} kv[RVI_MAX_KEYS];
	size_t n_kv;
	struct rv_import_secret secrets[4];
	size_t n_secrets;
	struct rv_import_file files[4];
	size_t n_files;
	struct rv_import_note notes[RVI_MAX_NOTES];
	size_t n_notes;
	const char *missing[4];
	size_t n_missing;
};

struct rvi_conn *rvi_conn_new(const char *name);
void rvi_conn_free(struct rvi_conn *c);
/* Set [section] key (replacing an earlier value); value is copied. */
void rvi_set(struct rvi_conn *c, const char *section, const char *key, const char *value);
const char *rvi_get(const struct rvi_conn *c, const char *section, const char *key);
void rvi_unset(struct rvi_conn *c, const char *section, const char *key);
/* Set and note "field -> [section] key=value" in one step. */
void rvi_take(struct rvi_conn *c, const char *field, const char *section, const char *key,
	      const char *value);
void rvi_note(struct rvi_conn *c, enum rv_import_note_kind kind, const char *field,
	      const char *fmt, ...) RVI_PRINTF(4, 5);
/* A note whose text is already in the user's language (or needs none). */
void rvi_note_text(struct rvi_conn *c, enum rv_import_note_kind kind, const char *field,
		   const char *text);
#define rvi_left(c, field, ...) rvi_note(c, RV_NOTE_LEFT_OUT, field, __VA_ARGS__)
#define rvi_info(c, field, ...) rvi_note(c, RV_NOTE_INFO, field, __VA_ARGS__)
/* A secret found in the source: kept apart, noted without its value. */
void rvi_secret(struct rvi_conn *c, const char *field, const char *name, const char *value);
void rvi_file(struct rvi_conn *c, const char *key, const char *suggested_name,
	      const unsigned char *data, size_t len, bool secret);
void rvi_missing(struct rvi_conn *c, const char *key);

/* roadvpn's own section name (a static string), NULL if it is not one. */
const char *rvi_profile_section(const char *name);
/* Render as key-file text; with_secrets merges the secrets in. */
char *rvi_conn_text(const struct rvi_conn *c, bool with_secrets);
/* Move into the public struct (c is freed). */
void rvi_conn_publish(struct rvi_conn *c, struct rv_import_conn *out);

/* GKeyFile value escaping, for writers of key files. */
void rvi_keyfile_escape(struct rvi_buf *b, const char *value);

/* ---- shared mapping helpers ---- */
/* "yes"/"true"/"1" and "no"/"false"/"0"; -1 for anything else. */
int rvi_parse_bool(const char *s);
/* A decimal number within [min, max]; false otherwise. */
bool rvi_parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *ret);
/* strongSwan/libreswan lifetimes: "3600", "3600s", "60m", "8h", "1d". */
bool rvi_parse_lifetime(const char *s, unsigned long *ret);
/* "10.0.0.0/8" (prefix defaults to 32), host bits must be clear. */
bool rvi_route_valid(const char *s);
/* Host name or IPv4/IPv6 literal: printable, no spaces, 1..253 chars. */
bool rvi_host_valid(const char *s);
/* Printable text without control characters, at most max bytes. */
bool rvi_text_valid(const char *s, size_t max);

/*
 * Translate a proposal list (strongSwan "aes256-sha1-modp2048!",
 * libreswan "aes256-sha2;dh14") into roadvpn's names. Tokens roadvpn
 * cannot offer are left out with a note; NULL when none is left.
 */
char *rvi_proposals(struct rvi_conn *c, const char *field, const char *list, bool phase1);
/* A name table (other software's name -> roadvpn's) and its case-blind lookup. */
struct rvi_alias {
	const char *from, *to;
};
const char *rvi_alias(const struct rvi_alias *t, size_t n, const char *s);
/* Whether name is one of roadvpn's DH group names ("modp2048", "ecp256"). */
bool rvi_proposals_group(const char *name);
/* Whether a comma-separated list holds tok as one of its items. */
bool rvi_list_has(const char *list, const char *tok);
/* roadvpn group name for a DH group number (2, 5, 14..16, 19, 20); NULL if none. */
const char *rvi_dh_group_name(unsigned int n);

/* ---- the format readers (each also registered in import.c) ---- */
int rvi_import_nm(const char *data, size_t len, const struct rv_import_options *opts,
		  struct rv_import_result *r, char **error);
int rvi_import_pbk(const char *data, size_t len, const struct rv_import_options *opts,
		   struct rv_import_result *r, char **error);
int rvi_import_powershell(const char *data, size_t len, const struct rv_import_options *opts,
			  struct rv_import_result *r, char **error);
int rvi_import_mobileconfig(const unsigned char *data, size_t len,
			    const struct rv_import_options *opts, struct rv_import_result *r,
			    char **error);
int rvi_import_roadvpn(const char *data, size_t len, const struct rv_import_options *opts,
		       struct rv_import_result *r, char **error);

bool rvi_looks_nm(const char *data, size_t len);
bool rvi_looks_pbk(const char *data, size_t len);
bool rvi_looks_powershell(const char *data, size_t len);
bool rvi_looks_plist(const unsigned char *data, size_t len);
bool rvi_looks_roadvpn(const char *data, size_t len);

/* Append one connection to the result (takes c). */
void rvi_result_add(struct rv_import_result *r, struct rvi_conn *c);
void rvi_result_note(struct rv_import_result *r, enum rv_import_note_kind kind, const char *field,
		     const char *fmt, ...) RVI_PRINTF(4, 5);

/* ---- export side: a roadvpn profile read back ---- */
struct rvi_profile {
	struct rvi_ini *ini;
	const struct rv_import_secret *secrets;
	size_t n_secrets;
};
const char *rvi_profile_get(const struct rvi_profile *p, const char *section, const char *key);
/* A secret from the profile text or from the secrets given apart. */
const char *rvi_profile_secret(const struct rvi_profile *p, const char *name);

/* Keys a target format cannot hold: each one the profile sets gets a note. */
struct rvi_lost {
	const char *section, *key, *why;
};
void rvi_note_lost(const struct rvi_profile *p, struct rvi_conn *n, const struct rvi_lost *lost,
		   size_t count);

int rvi_export_nm(const struct rvi_profile *p, struct rvi_buf *out, struct rvi_conn *notes,
		  char **error);
int rvi_export_pbk(const struct rvi_profile *p, struct rvi_buf *out, struct rvi_conn *notes,
		   char **error);
int rvi_export_mobileconfig(const struct rvi_profile *p, struct rvi_buf *out,
			    struct rvi_conn *notes, char **error);
