/*
 * Every profile setting the editor shows (docs/profile.md), in the editor's
 * groups, with the cheap local checks that let the form say what is wrong
 * while the user types. roadvpnd stays the judge: its InvalidProfile error
 * names the field, and the editor puts that message on the field too.
 * The rows come from the client library's settings table (rvc-settings.h);
 * every text here (labels, hints, placeholders, choice labels, reasons,
 * page titles) is a msgid of the "roadvpn" domain: translate it to show it.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

enum rg_page {
	RG_PAGE_MAIN,
	RG_PAGE_IPSEC,
	RG_PAGE_PPP,
	RG_PAGE_IP,
	RG_PAGE_COUNT,
};

enum rg_setting_kind {
	RG_SETTING_TEXT,        /* free text, optionally checked by `check` */
	RG_SETTING_BOOL,        /* a switch */
	RG_SETTING_NUMBER,      /* integer in [min, max]; empty = the default */
	RG_SETTING_CHOICE,      /* one of `choices` */
	RG_SETTING_MULTI,       /* a comma list of some of `choices`, order kept */
	RG_SETTING_SECRET,      /* a secret; `flags_key` says stored or ask */
	RG_SETTING_FILE,        /* a path roadvpnd reads (PEM, PKCS#12) */
};

/* Returns NULL when `value` is fine, else a short reason ("not a host name"). */
typedef const char *(*rg_setting_check)(const char *value);

struct rg_setting {
	const char *section, *key;
	enum rg_page page;
	enum rg_setting_kind kind;
	const char *label;          /* with a mnemonic */
	const char *hint;           /* the field's tooltip: what it is for */
	const char *placeholder;    /* what an empty field means, if not the default */
	const char *default_value;  /* what roadvpnd uses when the key is absent */
	bool required;
	int min, max;               /* RG_SETTING_NUMBER */
	const char *const *choices; /* RG_SETTING_CHOICE, RG_SETTING_MULTI: ids */
	const char *const *choice_labels;
	const char *flags_key;      /* RG_SETTING_SECRET: the "ask"/"stored" key */
	bool none_when_empty;       /* RG_SETTING_SECRET: stored but empty means there is none */
	rg_setting_check check;
	/* Shown only when other settings have these values, "ipsec.enabled=true;ipsec.auth=psk". */
	const char *only_when;
	/* Shown always but only changeable when these hold: a dependent option. */
	const char *sensitive_when;
	/*
	 * Empty is a problem while these hold, though the library's table calls
	 * the key optional: roadvpnd refuses a certificate profile without its CA
	 * or certificate. needed: the msgid shown then; needed_unless_bundle: not
	 * while [ipsec] cert is a PKCS#12 bundle (it holds the key).
	 */
	const char *needed_when, *needed;
	bool needed_unless_bundle;
};

const struct rg_setting *rg_settings(size_t *count);
const struct rg_setting *rg_settings_find(const char *section, const char *key);
const char *rg_page_title(enum rg_page page);
/* Is the path a PKCS#12 bundle (.p12/.pfx), as roadvpnd tells them apart? */
bool rg_is_pkcs12(const char *path);

/*
 * Check one value; empty means "not set" (allowed unless required). Returns
 * NULL if fine, else the reason (static text).
 */
const char *rg_setting_validate(const struct rg_setting *s, const char *value);

/* The profile name roadvpnd accepts as a file name: [A-Za-z0-9._-], 1..64, no leading dot. */
const char *rg_check_profile_name(const char *value);
const char *rg_check_host(const char *value);
const char *rg_check_routes(const char *value);
