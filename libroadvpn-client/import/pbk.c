/*
 * Windows phonebooks (rasphone.pbk): one [entry] per connection, keys as
 * [MS-RRASM] 2.2.2 documents them. An entry is L2TP when VpnStrategy says
 * so (3 L2TP only, 4 L2TP first) or, for 0 (automatic), when its device is
 * the L2TP miniport. The user name and the pre-shared key are never in the
 * file (Windows keeps them with its credentials): the PSK is asked at
 * connect time, the user name must be given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-private.h"

/* AuthRestrictions bits ([MS-RRASM] 2.2.2.2.58, bit n from 1 = 1 << (n - 1)) */
enum {
	AR_PAP = 1 << 3,
	AR_SPAP = 1 << 4,
	AR_CHAP = 1 << 5,
	AR_MSCHAP = 1 << 6,
	AR_EAP = 1 << 7,
	AR_MSCHAPV2 = 1 << 9,
	AR_MSCHAP_W95 = 1 << 10,
};

static const char *const strategy_names[] = {
	"automatic", "PPTP only", "PPTP first", "L2TP only", "L2TP first",
	"SSTP only", "SSTP first", "IKEv2 only", "IKEv2 first",
};

struct pbk_ctx {
	struct rvi_conn *c;
	const struct rvi_ini_section *s;
	char **error;
};

static const char *get(const struct pbk_ctx *x, const char *key)
{
	const char *v = rvi_ini_get_ci(x->s, key);

	return v && *v ? v : NULL;
}

static bool l2tp_device(const struct pbk_ctx *x)
{
	const char *d = get(x, "Device"), *p = get(x, "PreferredDevice");

	return (d && strcasestr(d, "L2TP")) || (p && strcasestr(p, "L2TP"));
}

/* 0 when the entry is L2TP; an error naming VpnStrategy otherwise. */
static int check_strategy(struct pbk_ctx *x)
{
	const char *v = get(x, "VpnStrategy");
	unsigned long n = 0;

	if (v && !rvi_parse_uint(v, 0, 8, &n))
		return rvi_fail(x->error, EINVAL, "[%s] VpnStrategy: \"%.16s\" is not a known "
						  "strategy", x->s->name, v);
	if (n == 3 || n == 4 || (n == 0 && l2tp_device(x))) {
		if (n == 4)
			rvi_info(x->c, "VpnStrategy", "4 (L2TP first, then PPTP and IKEv2): "
						      "roadvpn speaks L2TP only");
		if (n == 0)
			rvi_info(x->c, "VpnStrategy", "automatic, on the L2TP miniport: taken as L2TP");
		return 0;
	}
	return rvi_fail(x->error, ENOTSUP, "[%s] VpnStrategy: %lu (%s) is not L2TP; roadvpn "
					   "imports L2TP/IPsec entries only", x->s->name, n,
			strategy_names[n]);
}

static int map_gateway(struct pbk_ctx *x)
{
	const char *gw = get(x, "PhoneNumber");

	if (!gw)
		return rvi_fail(x->error, EINVAL, "[%s] PhoneNumber: missing (the gateway)",
				x->s->name);
	if (!rvi_host_valid(gw))
		return rvi_fail(x->error, EINVAL, "[%s] PhoneNumber: \"%.64s\" is not a host name "
						  "or address", x->s->name, gw);
	rvi_take(x->c, "PhoneNumber", "connection", "gateway", gw);
	return 0;
}

static int map_auth(struct pbk_ctx *x)
{
	const char *v = get(x, "AuthRestrictions");
	struct rvi_buf list = { 0 };
	unsigned long bits;

	if (!v) {
		rvi_left(x->c, "AuthRestrictions", "not set: left at roadvpn's default "
						   "mschapv2,chap");
		return 0;
	}
	if (!rvi_parse_uint(v, 0, 0xffffffffUL, &bits))
		return rvi_fail(x->error, EINVAL, "[%s] AuthRestrictions: \"%.16s\" is not a number",
				x->s->name, v);
	if (bits & AR_MSCHAPV2)
		rvi_buf_add(&list, "mschapv2,", 9);
	if (bits & AR_CHAP)
		rvi_buf_add(&list, "chap,", 5);
	if (bits & AR_PAP)
		rvi_buf_add(&list, "pap,", 4);
	if (bits & (AR_MSCHAP | AR_MSCHAP_W95 | AR_SPAP | AR_EAP))
		rvi_left(x->c, "AuthRestrictions", "MS-CHAP (v1), SPAP and EAP: not supported by "
						   "roadvpn");
	if (!list.len)
		return rvi_fail(x->error, ENOTSUP, "[%s] AuthRestrictions: %lu allows no method "
						   "roadvpn speaks (MS-CHAPv2, CHAP, PAP)",
				x->s->name, bits);
	list.p[--list.len] = '\0';
	rvi_take(x->c, "AuthRestrictions", "ppp", "auth", list.p);
	free(rvi_buf_steal(&list));
	return 0;
}

static void map_ipsec(struct pbk_ctx *x)
{
	const char *flags = get(x, "IpSecFlags");
	unsigned long f = 0;

	rvi_take(x->c, "VpnStrategy", "ipsec", "enabled", "true");
	if (flags && rvi_parse_uint(flags, 0, 0xffffffffUL, &f) && (f & 1)) {
		rvi_take(x->c, "IpSecFlags", "ipsec", "psk-flags", "ask");
		rvi_info(x->c, "IpSecFlags", "pre-shared key: a .pbk never holds it: roadvpn asks "
					     "for it at connect time");
	} else {
		rvi_take(x->c, "IpSecFlags", "ipsec", "auth", "cert");
		rvi_info(x->c, "IpSecFlags", "certificate authentication: give [ipsec] ca, cert "
					     "and key");
		rvi_missing(x->c, "ipsec.cert");
	}
	if (get(x, "CustomIPSecPolicies") || get(x, "NumCustomPolicy"))
		rvi_left(x->c, "CustomIPSecPolicies", "Windows' binary IPsec policy is not read: "
						      "import the Set-VpnConnectionIPsecConfiguration "
						      "line for the proposals");
	if (get(x, "DataEncryption"))
		rvi_info(x->c, "DataEncryption", "MPPE is not used by roadvpn; the tunnel is "
						 "protected by IPsec");
}

static bool nonzero_addr(const char *v)
{
	return v && strcmp(v, "0.0.0.0");
}

static void map_ip(struct pbk_ctx *x)
{
	int remote = rvi_parse_bool(get(x, "IpPrioritizeRemote"));

	if (remote == 1)
		rvi_take(x->c, "IpPrioritizeRemote", "ip", "default-route", "true");
	if (remote == 0) {
		rvi_take(x->c, "IpPrioritizeRemote", "ip", "default-route", "false");
		rvi_info(x->c, "IpPrioritizeRemote", "split tunnel: a .pbk holds no routes; add "
						     "[ip] routes=");
	}
	if (nonzero_addr(get(x, "IpDnsAddress")) || nonzero_addr(get(x, "IpDns2Address")))
		rvi_left(x->c, "IpDnsAddress", "fixed DNS servers: roadvpn uses the gateway's");
	if (nonzero_addr(get(x, "IpAddress")))
		rvi_left(x->c, "IpAddress", "a fixed address: roadvpn takes the one the gateway "
					    "gives");
}

static int map_entry(struct pbk_ctx *x, const struct rv_import_options *opts)
{
	int err;

	if ((err = check_strategy(x)) < 0 || (err = map_gateway(x)) < 0 ||
	    (err = map_auth(x)) < 0)
		return err;
	rvi_take(x->c, "[entry]", "connection", "name", x->s->name);
	map_ipsec(x);
	map_ip(x);
	if (opts && opts->user) {
		rvi_take(x->c, "user (given)", "ppp", "user", opts->user);
	} else {
		rvi_missing(x->c, "ppp.user");
		rvi_info(x->c, "user", "a .pbk never holds the user name (Windows keeps it with "
				       "the saved credentials)");
	}
	rvi_set(x->c, "ppp", "password-flags", "ask");
	return 0;
}

/* A phonebook: INI whose sections carry phonebook keys. */
bool rvi_looks_pbk(const char *d, size_t len)
{
	struct rvi_ini *ini = NULL;
	bool yes = false;

	if (rvi_ini_parse(d, len, RVI_INI_PBK, &ini, NULL) < 0)
		return false;
	for (size_t i = 0; i < ini->n_sec && !yes; i++) {
		yes = rvi_ini_get_ci(&ini->sec[i], "PhoneNumber") ||
		      rvi_ini_get_ci(&ini->sec[i], "VpnStrategy") ||
		      rvi_ini_get_ci(&ini->sec[i], "PBVersion");
	}
	rvi_ini_free(ini);
	return yes;
}

int rvi_import_pbk(const char *d, size_t len, const struct rv_import_options *opts,
		   struct rv_import_result *r, char **error)
{
	struct rvi_ini *ini = NULL;
	size_t chosen = 0;
	int err = rvi_ini_parse(d, len, RVI_INI_PBK, &ini, error);

	if (err < 0)
		return err;
	for (size_t i = 0; i < ini->n_sec && r->n_conns < RV_IMPORT_MAX_CONNECTIONS; i++) {
		struct pbk_ctx x = { .s = &ini->sec[i] };
		char *why = NULL;

		if (opts && opts->entry && strcmp(opts->entry, ini->sec[i].name))
			continue;
		chosen++;
		x.c = rvi_conn_new(ini->sec[i].name);
		x.error = &why;
		err = map_entry(&x, opts);
		if (err < 0 && (ini->n_sec == 1 || (opts && opts->entry))) {
			rvi_fail_text(error, -err, why);   /* the only entry: its reason */
		} else if (err < 0) {
			rvi_result_note(r, RV_NOTE_INFO, ini->sec[i].name, "skipped: %s", why);
			err = 0;
		} else {
			rvi_result_add(r, x.c);
			x.c = NULL;
		}
		rvi_conn_free(x.c);
		free(why);
		if (err < 0)
			break;
	}
	r->format_detail = rvi_printf(dngettext(GETTEXT_PACKAGE, "%zu entry", "%zu entries",
						ini->n_sec), ini->n_sec);
	rvi_ini_free(ini);
	return err;
}

/* ---- export ---- */

static unsigned int auth_bits(const char *list)
{
	unsigned int bits = 0;

	if (!list)
		return AR_MSCHAPV2 | AR_CHAP;   /* roadvpn's default */
	if (rvi_list_has(list, "mschapv2"))
		bits |= AR_MSCHAPV2;
	if (rvi_list_has(list, "chap"))
		bits |= AR_CHAP;
	if (rvi_list_has(list, "pap"))
		bits |= AR_PAP;
	return bits;
}

static void export_notes(const struct rvi_profile *p, struct rvi_conn *n)
{
	const char *auth = rvi_profile_get(p, "ipsec", "auth");
	static const struct rvi_lost lost[] = {
		{ "ipsec", "ike", N_("proposals: add a Set-VpnConnectionIPsecConfiguration line") },
		{ "ipsec", "esp", N_("proposals: add a Set-VpnConnectionIPsecConfiguration line") },
		{ "ipsec", "remote-id", N_("Windows checks the gateway's name in its certificate") },
		{ "ip", "routes", N_("routes: add Add-VpnConnectionRoute lines") },
		{ "ppp", "mtu", N_("Windows sets the MTU itself") },
		{ "ppp", "mru", N_("Windows sets the MRU itself") },
		{ "l2tp", "secret", N_("Windows has no L2TP tunnel secret") },
		{ "ipsec", "mode", N_("Windows uses Main Mode only") },
	};

	rvi_note_lost(p, n, lost, sizeof(lost) / sizeof(lost[0]));
	if (!auth || strcmp(auth, "cert"))   /* known or not, the key has no place there */
		rvi_left(n, "psk", "a .pbk cannot hold the pre-shared key: enter it in Windows' "
				   "VPN settings (or Set-VpnConnection -L2tpPsk)");
	rvi_left(n, "user", "a .pbk cannot hold the user name: Windows asks at the first "
			    "connect");
}

int rvi_export_pbk(const struct rvi_profile *p, struct rvi_buf *out, struct rvi_conn *n,
		   char **error)
{
	const char *name = rvi_profile_get(p, "connection", "name");
	const char *gw = rvi_profile_get(p, "connection", "gateway");
	const char *auth = rvi_profile_get(p, "ipsec", "auth");
	int ipsec = rvi_parse_bool(rvi_profile_get(p, "ipsec", "enabled"));
	int def = rvi_parse_bool(rvi_profile_get(p, "ip", "default-route"));

	if (ipsec == 0)
		return rvi_fail(error, ENOTSUP, "[ipsec] enabled=false: Windows' phonebook has no "
						"plain L2TP entry");
	if (!name || strchr(name, ']') || !rvi_text_valid(name, 200))
		name = gw;
	rvi_buf_printf(out, "[%s]\r\nEncoding=1\r\nPBVersion=1\r\nType=2\r\nAutoLogon=0\r\n"
			    "UseRasCredentials=1\r\nVpnStrategy=3\r\nDataEncryption=256\r\n"
			    "AuthRestrictions=%u\r\nIpPrioritizeRemote=%d\r\nIpSecFlags=%d\r\n"
			    "PreferredDevice=WAN Miniport (L2TP)\r\nIpAssign=1\r\nIpNameAssign=1\r\n"
			    "\r\nNETCOMPONENTS=\r\nms_msclient=1\r\nms_server=1\r\n\r\n"
			    "MEDIA=rastapi\r\nPort=VPN2-0\r\nDevice=WAN Miniport (L2TP)\r\n\r\n"
			    "DEVICE=vpn\r\nPhoneNumber=%s\r\n",
		       name, auth_bits(rvi_profile_get(p, "ppp", "auth")), def != 0,
		       !auth || strcmp(auth, "cert") ? 1 : 0, gw);
	export_notes(p, n);
	return 0;
}
