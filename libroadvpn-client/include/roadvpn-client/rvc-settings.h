#pragma once
/*
 * The profile settings (docs/profile.md), described once for every front
 * end: the CLI's `add` options, the GTK app's editor and the NetworkManager
 * plugin's vpn.data table are all made from this table, so a setting has
 * one name, one type, one default, one label and one help text everywhere.
 *
 * One row per profile key that a person sets ([connection] name is the
 * profile's identity, not a row). The front ends add only what is theirs:
 * the editor its pages and the conditions that show a field, the
 * NetworkManager map the vpn.data keys that have no profile key of their
 * own (refuse-pap, ...). roadvpnd stays the judge of a value: its
 * InvalidProfile error names the field.
 *
 * label, help, placeholder and choice_labels are gettext msgids (N_(),
 * domain "roadvpn"): show them through rvc_setting_text(), which
 * translates.
 */
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
	RVC_SETTING_TEXT,       /* free text on one line */
	RVC_SETTING_HOST,       /* a host name or an address */
	RVC_SETTING_BOOL,       /* true | false */
	RVC_SETTING_NUMBER,     /* a decimal integer in [min, max] */
	RVC_SETTING_CHOICE,     /* one of choices */
	RVC_SETTING_LIST,       /* a comma list of some of choices, in the user's order */
	RVC_SETTING_PROPOSALS,  /* a comma list of proposals, e.g. aes256-sha256-modp2048 */
	RVC_SETTING_FILE,       /* a path that roadvpnd reads (PEM, PKCS#12) */
	RVC_SETTING_SECRET,     /* a secret: never on a command line, never in public text */
	RVC_SETTING_FLAGS,      /* stored | ask: where the secret it belongs to lives */
} RvcSettingType;

typedef struct {
	const char *group, *key;        /* the profile's [group] key */
	RvcSettingType type;
	const char *default_value;      /* roadvpnd's value when the key is absent; NULL: none */
	gboolean required;              /* a profile without it is refused */
	int min, max;                   /* RVC_SETTING_NUMBER */
	const char *const *choices;     /* CHOICE, LIST, FLAGS: the values, NULL-terminated */
	const char *const *choice_labels; /* their labels (msgids), same order; NULL for FLAGS */
	const char *label;              /* msgid, with a mnemonic ("_Gateway"); NULL for FLAGS */
	const char *help;               /* msgid: one line on what it does (tooltip, --help) */
	const char *placeholder;        /* msgid: what an empty value means, when not the default */
	const char *flags_key;          /* SECRET: the FLAGS key in the same group, or NULL */
	/*
	 * The roadvpnd Connect option (and RVC_SECRET_* kind) of a SECRET; the
	 * CLI's option for a file holding it is "<secret_kind>-file".
	 */
	const char *secret_kind;
	/*
	 * NetworkManager: the vpn.data key (NM-l2tp's name where the meaning is
	 * the same), or for a SECRET its vpn.secrets name; NULL: not mapped.
	 */
	const char *nm_key;
	const char *option;             /* `roadvpn add --OPTION`; NULL: none (SECRETs: see above) */
	const char *value_name;         /* --help's VALUE for TEXT, HOST, NUMBER, FILE, PROPOSALS */
} RvcSetting;

/* The table, in docs/profile.md's order. */
const RvcSetting *rvc_settings(gsize *n);
/* The row of [group] key, or NULL. */
const RvcSetting *rvc_setting_find(const char *group, const char *key);
/* Is [group] key a secret (psk, password, key-password, l2tp secret)? */
gboolean rvc_setting_is_secret(const char *group, const char *key);
/* A msgid of the table (label, help, placeholder, a choice label) translated; NULL stays NULL. */
const char *rvc_setting_text(const char *msgid);
/* A label msgid translated and without its mnemonic, for text that is not a
 * widget's label ("_Gateway" -> "Gateway", zh_CN "网关(_G)" -> "网关"); free it. */
char *rvc_setting_text_plain(const char *msgid);

G_END_DECLS
