/*
 * NetworkManager-l2tp connections: the keyfile NetworkManager writes
 * (/etc/NetworkManager/system-connections/NAME.nmconnection: [vpn]
 * service-type=org.freedesktop.NetworkManager.l2tp, data keys with yes/no,
 * [vpn-secrets], [ipv4] routeN=) and `nmcli connection export`'s file (the
 * plugin's own: [connection] id, [vpn] with true/false, [ip4] in 1.20 or
 * [ipv4] later, routes=A/N via G metric M;...). The vpn.data keys are
 * NetworkManager-l2tp 1.20/1.52's (shared/nm-service-defines.h there); each
 * maps onto one roadvpn key, is left out with the reason, or (IKEv2,
 * EAP-TLS) stops the import.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "import-private.h"

#define NM_L2TP_SERVICE "org.freedesktop.NetworkManager.l2tp"

struct nm_ctx {
	struct rvi_conn *c;
	const struct rvi_ini_section *vpn, *secrets, *ip4, *ip6;
	bool ipsec;
	bool cert;
	char **error;
};

static const char *data(const struct nm_ctx *x, const char *key)
{
	const char *v = rvi_ini_get(x->vpn, key);

	return v && *v ? v : NULL;
}

static bool flag_on(const struct nm_ctx *x, const char *key)
{
	return rvi_parse_bool(data(x, key)) == 1;
}

/* ---- connection, user ---- */

static int map_gateway(struct nm_ctx *x)
{
	const char *gw = data(x, "gateway");

	if (!gw)
		return rvi_fail(x->error, EINVAL, "gateway: missing");
	if (!rvi_host_valid(gw))
		return rvi_fail(x->error, EINVAL, "gateway: \"%.64s\" is not a host name or address",
				gw);
	rvi_take(x->c, "gateway", "connection", "gateway", gw);
	return 0;
}

static int map_user(struct nm_ctx *x)
{
	const char *user = data(x, "user"), *domain = data(x, "domain");
	const char *auth = data(x, "user-auth-type");
	char *full;

	if (auth && strcmp(auth, "password"))
		return rvi_fail(x->error, ENOTSUP,
				"user-auth-type: \"%.32s\" (PPP EAP-TLS with a user certificate) is "
				"not supported by roadvpn; only user name and password", auth);
	if (!user) {
		rvi_missing(x->c, "ppp.user");
		return 0;
	}
	if (!rvi_text_valid(user, 256))
		return rvi_fail(x->error, EINVAL, "user: not a valid user name");
	if (!domain) {
		rvi_take(x->c, "user", "ppp", "user", user);
		return 0;
	}
	/* NetworkManager-l2tp hands pppd "DOMAIN\user" (nm-l2tp-service.c) */
	full = rvi_printf("%s\\%s", domain, user);
	rvi_take(x->c, "user, domain", "ppp", "user", full);
	free(full);
	return 0;
}

/* ---- PPP ---- */

static int map_auth(struct nm_ctx *x)
{
	static const struct {
		const char *refuse, *method;
	} ours[] = { { "refuse-mschapv2", "mschapv2" }, { "refuse-chap", "chap" },
		     { "refuse-pap", "pap" } };
	struct rvi_buf list = { 0 };
	bool any_refuse = false;

	for (size_t i = 0; i < 5; i++) {
		static const char *const all[] = { "refuse-eap", "refuse-pap", "refuse-chap",
						   "refuse-mschap", "refuse-mschapv2" };

		any_refuse |= data(x, all[i]) != NULL;
	}
	if (!any_refuse) {
		rvi_left(x->c, "refuse-*",
			 "none set (pppd would allow every method, PAP included): left at "
			 "roadvpn's default mschapv2,chap; add pap to [ppp] auth only if the "
			 "gateway needs it");
		return 0;
	}
	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
		if (!flag_on(x, ours[i].refuse)) {
			if (list.len)
				rvi_buf_add(&list, ",", 1);
			rvi_buf_add(&list, ours[i].method, strlen(ours[i].method));
		}
	}
	if (!flag_on(x, "refuse-mschap") || !flag_on(x, "refuse-eap"))
		rvi_left(x->c, "refuse-mschap, refuse-eap",
			 "MS-CHAP (v1) and EAP: not supported by roadvpn");
	if (!list.len)
		return rvi_fail(x->error, ENOTSUP,
				"refuse-*: only MS-CHAP (v1) or EAP left allowed; roadvpn speaks "
				"MS-CHAPv2, CHAP and PAP");
	rvi_take(x->c, "refuse-*", "ppp", "auth", list.p);
	free(rvi_buf_steal(&list));
	return 0;
}

static void map_mtu(struct nm_ctx *x, const char *field, const char *key)
{
	const char *v = data(x, field);
	unsigned long n;

	if (!v)
		return;
	if (rvi_parse_uint(v, 576, 1500, &n))
		rvi_take(x->c, field, "ppp", key, v);
	else
		rvi_left(x->c, field, "\"%.16s\" is outside roadvpn's 576..1500: left at the "
				      "default 1400", v);
}

static void map_ppp_lossy(struct nm_ctx *x)
{
	static const char *const mppe[] = { "require-mppe", "require-mppe-40", "require-mppe-128",
					    "mppe-stateful" };
	static const char *const nocomp[] = { "nobsdcomp", "nodeflate", "no-vj-comp" };

	for (size_t i = 0; i < sizeof(mppe) / sizeof(mppe[0]); i++) {
		if (flag_on(x, mppe[i]) && x->ipsec)
			rvi_left(x->c, mppe[i],
				 "MPPE: not supported by roadvpn; the tunnel is protected by IPsec");
		else if (flag_on(x, mppe[i]))
			rvi_left(x->c, mppe[i],
				 "MPPE: not supported by roadvpn; with IPsec off this tunnel is NOT "
				 "encrypted");
	}
	for (size_t i = 0; i < sizeof(nocomp) / sizeof(nocomp[0]); i++) {
		if (flag_on(x, nocomp[i]))
			rvi_info(x->c, nocomp[i], "roadvpn never compresses: nothing to carry over");
	}
	if (flag_on(x, "nopcomp") || flag_on(x, "noaccomp"))
		rvi_left(x->c, "nopcomp, noaccomp",
			 "roadvpn negotiates PPP header compression itself");
	if (data(x, "lcp-echo-failure") || data(x, "lcp-echo-interval"))
		rvi_left(x->c, "lcp-echo-*", "roadvpn always sends LCP echoes and ends a dead link "
					     "by DPD and LCP echo on its own schedule");
	if (data(x, "mrru"))
		rvi_left(x->c, "mrru", "multilink PPP: not supported by roadvpn");
	if (data(x, "unit"))
		rvi_left(x->c, "unit", "roadvpn names its device rvpnN ([connection] interface)");
	if (data(x, "ipcp-peer-ip"))
		rvi_left(x->c, "ipcp-peer-ip", "roadvpn takes the peer address the gateway gives");
	if (data(x, "xl2tpd-max-retries"))
		rvi_left(x->c, "xl2tpd-max-retries", "roadvpn retries L2TP with its own back-off");
	if (flag_on(x, "ephemeral-port"))
		rvi_left(x->c, "ephemeral-port", "roadvpn sends L2TP from UDP port 1701, as "
						 "Windows does");
}

/* ---- IPsec ---- */

static char *remote_id(const char *v)
{
	unsigned char buf[16];

	if (v[0] == '@')
		return rvi_printf("fqdn:%s", v + 1);
	if (inet_pton(AF_INET, v, buf) == 1)
		return rvi_printf("ipv4:%s", v);
	if (strchr(v, '=') && !strchr(v, ':'))
		return rvi_printf("dn:%s", v);
	return rvi_strdup(v);
}

static void map_ids(struct nm_ctx *x)
{
	const char *field = data(x, "ipsec-remote-id") ? "ipsec-remote-id" : "ipsec-gateway-id";
	const char *v = data(x, field), *group = data(x, "ipsec-group-name");

	if (v && !strcmp(v, "%any")) {
		rvi_info(x->c, field, "%%any: any gateway identity (roadvpn's default checks the "
				      "certificate's name against the gateway)");
	} else if (v && rvi_text_valid(v, 512)) {
		char *id = remote_id(v);

		rvi_take(x->c, field, "ipsec", "remote-id", id);
		free(id);
	}
	if (group && rvi_text_valid(group, 256)) {
		rvi_take(x->c, "ipsec-group-name", "ipsec", "local-id", group);
		rvi_info(x->c, "ipsec-group-name", "sent as our ID in Main Mode, as "
						   "NetworkManager-l2tp does; SonicWall-style "
						   "group VPNs may need [ipsec] mode=aggressive");
	}
}

static void map_proposals(struct nm_ctx *x)
{
	static const struct {
		const char *field, *key;
		bool phase1;
	} p[] = { { "ipsec-ike", "ike", true }, { "ipsec-esp", "esp", false } };

	for (size_t i = 0; i < 2; i++) {
		const char *v = data(x, p[i].field);
		char *list;

		if (!v)
			continue;
		list = rvi_proposals(x->c, p[i].field, v, p[i].phase1);
		if (list)
			rvi_take(x->c, p[i].field, "ipsec", p[i].key, list);
		free(list);
	}
}

static void map_lifetime(struct nm_ctx *x, const char *field, const char *key,
			 unsigned long min)
{
	const char *v = data(x, field);
	unsigned long n;
	char buf[16];

	if (!v)
		return;
	if (!rvi_parse_lifetime(v, &n) || n < min || n > 86400) {
		rvi_left(x->c, field, "\"%.16s\" is not a lifetime roadvpn accepts (%lu s..1 day): "
				      "left at the default", v, min);
		return;
	}
	snprintf(buf, sizeof(buf), "%lu", n);
	rvi_take(x->c, field, "ipsec", key, buf);
}

static void map_ipsec_flags(struct nm_ctx *x)
{
	const char *pfs = data(x, "ipsec-pfs");

	if (flag_on(x, "ipsec-forceencaps"))
		rvi_take(x->c, "ipsec-forceencaps", "ipsec", "force-encap", "true");
	if (flag_on(x, "ipsec-ipcomp"))
		rvi_left(x->c, "ipsec-ipcomp", "IPComp: not supported by roadvpn");
	if (pfs && rvi_parse_bool(pfs) == 0)
		rvi_take(x->c, "ipsec-pfs", "ipsec", "pfs", "none");
	else if (pfs)
		rvi_left(x->c, "ipsec-pfs", "PFS on without a group: left at default (roadvpn "
					    "follows the gateway's group)");
}

static void map_certs(struct nm_ctx *x)
{
	static const struct {
		const char *field, *key;
	} f[] = { { "machine-ca", "ca" }, { "machine-cert", "cert" }, { "machine-key", "key" } };

	for (size_t i = 0; i < 3; i++) {
		const char *v = data(x, f[i].field);

		if (!v)
			continue;
		if (!rvi_text_valid(v, 1024) || v[0] != '/') {
			rvi_left(x->c, f[i].field, "not an absolute file name");
			continue;
		}
		rvi_take(x->c, f[i].field, "ipsec", f[i].key, v);
	}
	rvi_info(x->c, "machine-*", "certificate files stay where they are: roadvpnd must be "
				    "able to read them");
}

static int map_ipsec(struct nm_ctx *x)
{
	const char *auth = data(x, "machine-auth-type");

	if (flag_on(x, "ipsec-ikev2"))
		return rvi_fail(x->error, ENOTSUP, "ipsec-ikev2: IKEv2 is not supported by roadvpn "
						   "(L2TP over IKEv1 only)");
	if (!x->ipsec) {
		rvi_take(x->c, "ipsec-enabled", "ipsec", "enabled", "false");
		rvi_info(x->c, "ipsec-enabled", "plain L2TP: the tunnel is NOT encrypted "
						"(roadvpnd warns)");
		return 0;
	}
	rvi_take(x->c, "ipsec-enabled", "ipsec", "enabled", "true");
	if (auth && strcmp(auth, "psk") && strcmp(auth, "tls"))
		return rvi_fail(x->error, EINVAL, "machine-auth-type: \"%.16s\" is neither psk nor "
						  "tls", auth);
	x->cert = auth && !strcmp(auth, "tls");
	if (x->cert) {
		rvi_take(x->c, "machine-auth-type", "ipsec", "auth", "cert");
		map_certs(x);
	}
	map_ids(x);
	map_proposals(x);
	map_lifetime(x, "ipsec-ikelifetime", "ike-lifetime", 60);
	map_lifetime(x, "ipsec-salifetime", "esp-lifetime", 10);
	map_ipsec_flags(x);
	return 0;
}

/* ---- secrets ---- */

/* strongSwan's "0s" prefix: the PSK in base64. NULL if it does not decode. */
static char *decode_0s(const char *v)
{
	size_t len = strlen(v + 2);
	unsigned char *out = rvi_alloc(len + 1);
	int n = EVP_DecodeBlock(out, (const unsigned char *)v + 2, (int)len);

	if (n < 0 || len % 4) {
		free(out);
		return NULL;
	}
	while (len && v[2 + len - 1] == '=')
		len--, n--;
	if (memchr(out, '\0', (size_t)n)) {
		explicit_bzero(out, len + 1);
		free(out);
		return NULL;
	}
	out[n] = '\0';
	return (char *)out;
}

static void map_secret(struct nm_ctx *x, const char *nm_key, const char *name,
		       const char *section, const char *flags_key)
{
	const char *v = rvi_ini_get(x->secrets, nm_key);
	char *flags_field = rvi_printf("%s-flags", nm_key), *decoded = NULL;
	const char *flags = data(x, flags_field);
	unsigned long f = 0;

	if (!v && !strcmp(nm_key, "ipsec-psk"))
		v = data(x, nm_key);   /* NetworkManager-l2tp's legacy non-secret PSK */
	if (v && *v && !strncmp(v, "0s", 2) && !strcmp(nm_key, "ipsec-psk"))
		v = decoded = decode_0s(v);
	if (v && *v) {
		rvi_secret(x->c, nm_key, name, v);
	} else if (flags && rvi_parse_uint(flags, 0, 15, &f) && (f & 3)) {
		if (flags_key)
			rvi_take(x->c, flags_field, section, flags_key, "ask");
		rvi_info(x->c, flags_field, "held by a secret agent, not in the file: roadvpn "
					    "asks for it at connect time");
	} else if (flags_key) {
		rvi_take(x->c, nm_key, section, flags_key, "ask");
		rvi_info(x->c, nm_key, "not in the file: roadvpn asks for it at connect time");
	}
	rvi_free_secret(decoded);
	free(flags_field);
}

static void map_secrets(struct nm_ctx *x)
{
	map_secret(x, "password", "password", "ppp", "password-flags");
	if (x->ipsec && !x->cert)
		map_secret(x, "ipsec-psk", "psk", "ipsec", "psk-flags");
	if (x->ipsec && x->cert)
		map_secret(x, "machine-certpass", "key-password", "ipsec", NULL);
}

/* ---- IP ---- */

/* "10.0.0.0/8", "10.0.0.0/8,0.0.0.0,100" (keyfile) or "10.0.0.0/8 via G metric M" (export). */
static void add_route(struct nm_ctx *x, struct rvi_buf *routes, const char *field,
		      const char *v)
{
	size_t n = strcspn(v, ", ");
	char *net = rvi_strndup(v, n);

	if (!strchr(net, '/') || !rvi_route_valid(net)) {
		rvi_left(x->c, field, "\"%.64s\" is not an IPv4 network", v);
	} else {
		if (routes->len)
			rvi_buf_add(routes, ",", 1);
		rvi_buf_add(routes, net, strlen(net));
		if (v[n])
			rvi_info(x->c, field, "next hop and metric left out: routes go through "
					      "the tunnel");
	}
	free(net);
}

static void map_routes(struct nm_ctx *x)
{
	struct rvi_buf routes = { 0 };
	const char *list = rvi_ini_get(x->ip4, "routes");

	for (size_t i = 0; x->ip4 && i < x->ip4->n_kv; i++) {
		const char *k = x->ip4->kv[i].key;

		if (!strncmp(k, "route", 5) && k[5] >= '1' && k[5] <= '9' && !strchr(k, '_'))
			add_route(x, &routes, k, x->ip4->kv[i].value);
	}
	if (list) {
		char *copy = rvi_strdup(list), *save = NULL;

		for (char *r = strtok_r(copy, ";", &save); r; r = strtok_r(NULL, ";", &save))
			add_route(x, &routes, "routes", r);
		free(copy);
	}
	if (routes.len)
		rvi_take(x->c, "ipv4 routes", "ip", "routes", routes.p);
	free(rvi_buf_steal(&routes));
}

static void map_ip(struct nm_ctx *x)
{
	const char *never = rvi_ini_get(x->ip4, "never-default");
	const char *ignore_dns = rvi_ini_get(x->ip4, "ignore-auto-dns");
	const char *m6 = rvi_ini_get(x->ip6, "method");

	if (rvi_parse_bool(never) == 1)
		rvi_take(x->c, "ipv4 never-default", "ip", "default-route", "false");
	else if (rvi_parse_bool(never) == 0)
		rvi_take(x->c, "ipv4 never-default", "ip", "default-route", "true");
	map_routes(x);
	if (rvi_parse_bool(ignore_dns) == 1)
		rvi_take(x->c, "ipv4 ignore-auto-dns", "ip", "dns", "false");
	if (rvi_ini_get(x->ip4, "dns") && *rvi_ini_get(x->ip4, "dns"))
		rvi_left(x->c, "ipv4 dns", "fixed DNS servers: roadvpn uses the gateway's");
	if (m6 && (!strcmp(m6, "ignore") || !strcmp(m6, "disabled")))
		rvi_take(x->c, "ipv6 method", "ip", "ipv6", "off");
}

/* ---- the whole file ---- */

static bool is_l2tp_keyfile(const struct rvi_ini *ini)
{
	const char *st = rvi_ini_get(rvi_ini_section(ini, "vpn"), "service-type");

	return st && !strcmp(st, NM_L2TP_SERVICE);
}

bool rvi_looks_nm(const char *d, size_t len)
{
	struct rvi_ini *ini = NULL;
	bool yes;

	if (rvi_ini_parse(d, len, RVI_INI_KEYFILE, &ini, NULL) < 0)
		return false;
	/* nmcli's export has no service-type but the plugin's comment line */
	yes = rvi_ini_section(ini, "vpn") &&
	      (rvi_ini_get(rvi_ini_section(ini, "vpn"), "service-type") ||
	       (ini->leading_comment && strstr(ini->leading_comment, NM_L2TP_SERVICE)) ||
	       rvi_ini_get(rvi_ini_section(ini, "connection"), "id"));
	rvi_ini_free(ini);
	return yes;
}

static int check_service(const struct rvi_ini *ini, char **error)
{
	const char *st = rvi_ini_get(rvi_ini_section(ini, "vpn"), "service-type");

	if (!rvi_ini_section(ini, "vpn"))
		return rvi_fail(error, EINVAL, "[vpn]: missing; not a NetworkManager VPN connection");
	if (st && strcmp(st, NM_L2TP_SERVICE))
		return rvi_fail(error, ENOTSUP, "[vpn] service-type: \"%.80s\" is not "
						"NetworkManager-l2tp", st);
	return 0;
}

static int map_all(struct nm_ctx *x)
{
	int err;

	x->ipsec = flag_on(x, "ipsec-enabled");
	if ((err = map_gateway(x)) < 0 || (err = map_user(x)) < 0 || (err = map_ipsec(x)) < 0 ||
	    (err = map_auth(x)) < 0)
		return err;
	map_mtu(x, "mtu", "mtu");
	map_mtu(x, "mru", "mru");
	map_ppp_lossy(x);
	map_secrets(x);
	map_ip(x);
	return 0;
}

int rvi_import_nm(const char *d, size_t len, const struct rv_import_options *opts,
		  struct rv_import_result *r, char **error)
{
	struct rvi_ini *ini = NULL;
	struct nm_ctx x = { .error = error };
	const struct rvi_ini_section *con;
	const char *name;
	int err = rvi_ini_parse(d, len, RVI_INI_KEYFILE, &ini, error);

	if (err < 0)
		return err;
	if ((err = check_service(ini, error)) < 0)
		goto out;
	con = rvi_ini_section(ini, "connection");
	name = rvi_ini_get(con, "id");
	x.vpn = rvi_ini_section(ini, "vpn");
	x.secrets = rvi_ini_section(ini, "vpn-secrets");
	/* network-manager-l2tp 1.20's export writes [ip4]/[ip6], later ones and keyfiles [ipv4] */
	x.ip4 = rvi_ini_section(ini, "ipv4") ?: rvi_ini_section(ini, "ip4");
	x.ip6 = rvi_ini_section(ini, "ipv6") ?: rvi_ini_section(ini, "ip6");
	x.c = rvi_conn_new(name && rvi_text_valid(name, 256) ? name : "");
	r->format_detail = rvi_strdup(is_l2tp_keyfile(ini) ? _("NetworkManager keyfile")
							   : _("nmcli connection export"));
	if (x.c->name[0])
		rvi_take(x.c, "id", "connection", "name", x.c->name);
	if (opts && opts->user && !data(&x, "user"))
		rvi_take(x.c, "user (given)", "ppp", "user", opts->user);
	if ((err = map_all(&x)) < 0) {
		rvi_conn_free(x.c);
		goto out;
	}
	if (rvi_get(x.c, "ppp", "user"))
		x.c->n_missing = 0;
	rvi_result_add(r, x.c);
out:
	rvi_ini_free(ini);
	return err;
}
