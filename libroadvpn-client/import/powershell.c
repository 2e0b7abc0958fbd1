/*
 * The PowerShell lines helpdesks publish for Windows clients:
 *   Add-VpnConnection -Name Office -ServerAddress vpn.example.com `
 *       -TunnelType L2tp -L2tpPsk 'secret' -AuthenticationMethod MSChapv2
 *   Set-VpnConnectionIPsecConfiguration -ConnectionName Office `
 *       -EncryptionMethod AES256 -IntegrityCheckMethod SHA256 -DHGroup Group14 ...
 *   Add-VpnConnectionRoute -ConnectionName Office -DestinationPrefix 10.0.0.0/8
 * Only their parameters are read: this is not a script interpreter. A
 * value that is a variable ($psk) has no value here and is an error naming
 * the parameter; anything after a pipe is ignored; other commands are
 * reported and skipped.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import-private.h"

#define PS_MAX_ARGS 64
#define PS_MAX_STATEMENTS 256
#define PS_MAX_STATEMENT 16384

struct ps_arg {
	char *name;     /* without '-', or NULL for a positional value */
	char *value;    /* NULL for a switch */
	bool variable;  /* the value used $something */
};

struct ps_cmd {
	char *cmdlet;
	struct ps_arg args[PS_MAX_ARGS];
	size_t n_args;
	unsigned int line;
};

static const char *const cmdlets[] = {
	"Add-VpnConnection", "Set-VpnConnection", "Set-VpnConnectionIPsecConfiguration",
	"Add-VpnConnectionRoute",
};

static bool known_cmdlet(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(cmdlets) / sizeof(cmdlets[0]); i++) {
		if (strlen(cmdlets[i]) == len && !strncasecmp(cmdlets[i], s, len))
			return true;
	}
	return false;
}

bool rvi_looks_powershell(const char *d, size_t len)
{
	const char *end = d + len;

	for (const char *p = d; p < end; p++) {
		if (p != d && p[-1] != '\n' && p[-1] != ';')
			continue;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if ((size_t)(end - p) > 17 && (!strncasecmp(p, "Add-VpnConnection", 17) ||
					       !strncasecmp(p, "Set-VpnConnection", 17)))
			return !memchr(d, '\0', len);
	}
	return false;
}

/* ---- lexer ---- */

struct lexer {
	const char *p, *end;
	unsigned int line;
};

/* A quoted string: '...' with '' for a quote, "..." with ` escapes. */
static char *lex_quoted(struct lexer *l, bool *variable, char **error)
{
	char q = *l->p++;
	struct rvi_buf b = { 0 };

	while (l->p < l->end) {
		char ch = *l->p++;

		if (ch == q && l->p < l->end && *l->p == q) {
			rvi_buf_add(&b, &q, 1);   /* doubled quote */
			l->p++;
			continue;
		}
		if (ch == q)
			return rvi_buf_steal(&b);
		if (q == '"' && ch == '`' && l->p < l->end) {
			ch = *l->p++;
			ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch == '0' ? ' ' : ch;
		} else if (q == '"' && ch == '$') {
			*variable = true;
		}
		if (ch == '\n')
			l->line++;
		rvi_buf_add(&b, &ch, 1);
	}
	rvi_free_secret(rvi_buf_steal(&b));
	rvi_fail(error, EBADMSG, "line %u: unterminated quoted string", l->line);
	return NULL;
}

static bool is_word_end(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ';' || ch == '|';
}

/* One token (a word, parts quoted or not, joined), or NULL at a statement end. */
static char *lex_word(struct lexer *l, bool *variable, char **error)
{
	struct rvi_buf b = { 0 };

	*variable = false;
	while (l->p < l->end && !is_word_end(*l->p)) {
		if (*l->p == '\'' || *l->p == '"') {
			char *q = lex_quoted(l, variable, error);

			if (!q) {
				rvi_free_secret(rvi_buf_steal(&b));
				return NULL;
			}
			rvi_buf_add(&b, q, strlen(q));
			rvi_free_secret(q);
			continue;
		}
		if (*l->p == '`' && l->p + 1 < l->end && l->p[1] != '\n' && l->p[1] != '\r')
			l->p++;   /* escaped character */
		else if (*l->p == '$')
			*variable = true;
		rvi_buf_add(&b, l->p++, 1);
	}
	return rvi_buf_steal(&b);
}

/* Blanks, line continuations (` at the end of a line) and # comments. */
static void skip_blanks(struct lexer *l)
{
	while (l->p < l->end) {
		if (*l->p == ' ' || *l->p == '\t' || *l->p == '\r') {
			l->p++;
		} else if (*l->p == '`' && l->p + 1 < l->end &&
			   (l->p[1] == '\n' || l->p[1] == '\r')) {
			l->p += l->p[1] == '\r' && l->p + 2 < l->end && l->p[2] == '\n' ? 3 : 2;
			l->line++;
		} else if (*l->p == '#') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
		} else {
			return;
		}
	}
}

static void skip_to_statement_end(struct lexer *l)
{
	while (l->p < l->end && *l->p != '\n' && *l->p != ';')
		l->p++;
}

static void cmd_clear(struct ps_cmd *c)
{
	for (size_t i = 0; i < c->n_args; i++) {
		free(c->args[i].name);
		rvi_free_secret(c->args[i].value);
	}
	free(c->cmdlet);
	*c = (struct ps_cmd){ 0 };
}

static bool is_param(const char *w)
{
	return w[0] == '-' && (isalpha((unsigned char)w[1]));
}

static int add_word(struct ps_cmd *c, char *w, bool variable, unsigned int line, char **error)
{
	struct ps_arg *last = c->n_args ? &c->args[c->n_args - 1] : NULL;
	char *colon;

	if (!is_param(w) && last && last->name && !last->value) {
		last->value = w;   /* the value of the parameter before it */
		last->variable = variable;
		return 0;
	}
	if (!is_param(w) && last && last->value && strlen(last->value) < PS_MAX_STATEMENT &&
	    last->value[0] && last->value[strlen(last->value) - 1] == ',') {
		char *joined = rvi_printf("%s%s", last->value, w);   /* "a, b": one array */

		rvi_free_secret(last->value);
		rvi_free_secret(w);
		last->value = joined;
		last->variable |= variable;
		return 0;
	}
	if (c->n_args == PS_MAX_ARGS) {
		rvi_free_secret(w);
		return rvi_fail(error, EFBIG, "line %u: more than %d parameters", line, PS_MAX_ARGS);
	}
	last = &c->args[c->n_args++];
	if (!is_param(w)) {
		last->value = w;
		last->variable = variable;
		return 0;
	}
	colon = strchr(w, ':');   /* -Switch:$false */
	last->name = rvi_strndup(w + 1, colon ? (size_t)(colon - w - 1) : strlen(w) - 1);
	if (colon) {
		last->value = rvi_strdup(colon + 1);
		last->variable = variable && strcasecmp(colon + 1, "$true") &&
				 strcasecmp(colon + 1, "$false");
	}
	rvi_free_secret(w);
	return 0;
}

/* The next statement; c->cmdlet NULL at the end of the input. */
static int next_statement(struct lexer *l, struct ps_cmd *c, char **error)
{
	const char *start;

	cmd_clear(c);
	for (;;) {
		skip_blanks(l);
		if (l->p >= l->end)
			return 0;
		if (*l->p == '\n' || *l->p == ';') {
			if (*l->p++ == '\n')
				l->line++;
			if (c->cmdlet)
				return 0;
			continue;
		}
		if (*l->p == '|') {
			skip_to_statement_end(l);   /* | Out-Null and the like */
			continue;
		}
		start = l->p;
		bool variable;
		char *w = lex_word(l, &variable, error);
		int err;

		if (!w)
			return -EBADMSG;
		if ((size_t)(l->p - start) > PS_MAX_STATEMENT) {
			rvi_free_secret(w);
			return rvi_fail(error, EFBIG, "line %u: a word longer than %d bytes", l->line,
					PS_MAX_STATEMENT);
		}
		if (!c->cmdlet) {
			c->cmdlet = w;
			c->line = l->line;
			continue;
		}
		if ((err = add_word(c, w, variable, l->line, error)) < 0)
			return err;
	}
}

/* ---- mapping ---- */

struct ps_conn {
	struct rvi_conn *c;
	bool added;          /* an Add-VpnConnection named it */
	char *ike[3];        /* EncryptionMethod, IntegrityCheckMethod, DHGroup */
	char *esp[2];        /* CipherTransformConstants, AuthenticationTransformConstants */
	char *pfs;
};

struct ps_ctx {
	struct ps_conn conns[RV_IMPORT_MAX_CONNECTIONS];
	size_t n;
	struct rv_import_result *r;
	const struct rv_import_options *opts;
	char **error;
};

static const struct ps_arg *arg(const struct ps_cmd *c, const char *name)
{
	for (size_t i = 0; i < c->n_args; i++) {
		if (c->args[i].name && !strcasecmp(c->args[i].name, name))
			return &c->args[i];
	}
	return NULL;
}

/* A parameter's value; a variable or a missing value is an error naming it. */
static int value(const struct ps_cmd *c, const char *name, const char **ret, char **error)
{
	const struct ps_arg *a = arg(c, name);

	*ret = NULL;
	if (!a)
		return 0;
	if (a->variable)
		return rvi_fail(error, EINVAL, "line %u: -%s: a PowerShell variable has no value "
					       "here; write the value itself", c->line, name);
	if (!a->value)
		return rvi_fail(error, EINVAL, "line %u: -%s: no value", c->line, name);
	*ret = a->value;
	return 0;
}

static struct ps_conn *find_conn(struct ps_ctx *x, const char *name, bool create)
{
	for (size_t i = 0; i < x->n; i++) {
		if (!strcasecmp(x->conns[i].c->name, name))
			return &x->conns[i];
	}
	if (!create || x->n == RV_IMPORT_MAX_CONNECTIONS)
		return NULL;
	x->conns[x->n].c = rvi_conn_new(name);
	return &x->conns[x->n++];
}

static int map_tunnel_type(struct ps_conn *pc, const struct ps_cmd *c, const char *t,
			   char **error)
{
	if (!t || !strcasecmp(t, "L2tp"))
		return 0;
	if (!strcasecmp(t, "Automatic") && arg(c, "L2tpPsk")) {
		rvi_info(pc->c, "-TunnelType", "Automatic with an -L2tpPsk: taken as L2TP");
		return 0;
	}
	return rvi_fail(error, ENOTSUP, "line %u: -TunnelType: %.16s is not L2TP; roadvpn imports "
					"L2TP/IPsec connections only", c->line, t);
}

static int map_auth_method(struct ps_conn *pc, const struct ps_cmd *c, const char *v,
			   char **error)
{
	struct rvi_buf list = { 0 };
	static const struct {
		const char *win, *ours;
	} m[] = { { "MSChapv2", "mschapv2" }, { "Chap", "chap" }, { "Pap", "pap" } };
	char *copy = rvi_strdup(v), *save = NULL;

	for (char *t = strtok_r(copy, ", @()", &save); t; t = strtok_r(NULL, ", @()", &save)) {
		size_t i;

		for (i = 0; i < 3 && strcasecmp(m[i].win, t); i++)
			;
		if (i < 3) {
			rvi_buf_printf(&list, "%s%s", list.len ? "," : "", m[i].ours);
			continue;
		}
		rvi_left(pc->c, "-AuthenticationMethod", "%.32s: not supported by roadvpn", t);
	}
	free(copy);
	if (!list.len)
		return rvi_fail(error, ENOTSUP, "line %u: -AuthenticationMethod: \"%.64s\" has no "
						"method roadvpn speaks (MSChapv2, Chap, Pap)",
				c->line, v);
	rvi_take(pc->c, "-AuthenticationMethod", "ppp", "auth", list.p);
	free(rvi_buf_steal(&list));
	return 0;
}

static void map_switches(struct ps_conn *pc, const struct ps_cmd *c)
{
	const struct ps_arg *split = arg(c, "SplitTunneling");
	static const char *const ignored[] = { "RememberCredential", "AllUserConnection",
					       "UseWinlogonCredential", "DnsSuffix",
					       "IdleDisconnectSeconds", "EapConfigXmlStream",
					       "ServerList", "MachineCertificateIssuerFilter",
					       "MachineCertificateEKUFilter" };

	if (split) {
		bool on = !split->value || !strcasecmp(split->value, "$true");

		rvi_take(pc->c, "-SplitTunneling", "ip", "default-route", on ? "false" : "true");
		if (on)
			rvi_info(pc->c, "-SplitTunneling", "give the networks with "
							   "Add-VpnConnectionRoute or [ip] routes=");
	}
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++) {
		if (arg(c, ignored[i]))
			rvi_left(pc->c, ignored[i], "Windows-only setting");
	}
	if (arg(c, "EncryptionLevel"))
		rvi_info(pc->c, "-EncryptionLevel", "MPPE is not used by roadvpn; the tunnel is "
						    "protected by IPsec");
}

static int map_connection(struct ps_ctx *x, const struct ps_cmd *c, bool add)
{
	const char *name, *server, *type, *psk, *auth;
	struct ps_conn *pc;
	int err;

	if ((err = value(c, "Name", &name, x->error)) < 0 ||
	    (err = value(c, "ServerAddress", &server, x->error)) < 0 ||
	    (err = value(c, "TunnelType", &type, x->error)) < 0 ||
	    (err = value(c, "L2tpPsk", &psk, x->error)) < 0 ||
	    (err = value(c, "AuthenticationMethod", &auth, x->error)) < 0)
		return err;
	if (!name || !rvi_text_valid(name, 200))
		return rvi_fail(x->error, EINVAL, "line %u: -Name: missing", c->line);
	if (!(pc = find_conn(x, name, true)))
		return rvi_fail(x->error, EFBIG, "more than %d connections",
				RV_IMPORT_MAX_CONNECTIONS);
	pc->added |= add;
	if ((err = map_tunnel_type(pc, c, type, x->error)) < 0)
		return err;
	rvi_take(pc->c, "-Name", "connection", "name", name);
	if (server && !rvi_host_valid(server))
		return rvi_fail(x->error, EINVAL, "line %u: -ServerAddress: \"%.64s\" is not a host "
						  "name or address", c->line, server);
	if (server)
		rvi_take(pc->c, "-ServerAddress", "connection", "gateway", server);
	if (psk)
		rvi_secret(pc->c, "-L2tpPsk", "psk", psk);
	if (auth && (err = map_auth_method(pc, c, auth, x->error)) < 0)
		return err;
	map_switches(pc, c);
	return 0;
}

static void keep(char **slot, const char *v)
{
	if (!v)
		return;
	free(*slot);
	*slot = rvi_strdup(v);
}

static int map_ipsec_config(struct ps_ctx *x, const struct ps_cmd *c)
{
	static const char *const names[] = { "EncryptionMethod", "IntegrityCheckMethod", "DHGroup",
					     "CipherTransformConstants",
					     "AuthenticationTransformConstants", "PfsGroup" };
	const char *v[6], *name;
	struct ps_conn *pc;
	int err;

	if ((err = value(c, "ConnectionName", &name, x->error)) < 0)
		return err;
	for (size_t i = 0; i < 6; i++) {
		if ((err = value(c, names[i], &v[i], x->error)) < 0)
			return err;
	}
	if (!name || !(pc = find_conn(x, name, true)))
		return rvi_fail(x->error, EINVAL, "line %u: -ConnectionName: missing", c->line);
	keep(&pc->ike[0], v[0]);
	keep(&pc->ike[1], v[1]);
	keep(&pc->ike[2], v[2]);
	keep(&pc->esp[0], v[3]);
	keep(&pc->esp[1], v[4]);
	keep(&pc->pfs, v[5]);
	return 0;
}

static int map_route(struct ps_ctx *x, const struct ps_cmd *c)
{
	const char *name, *prefix, *old;
	struct ps_conn *pc;
	char *list;
	int err;

	if ((err = value(c, "ConnectionName", &name, x->error)) < 0 ||
	    (err = value(c, "DestinationPrefix", &prefix, x->error)) < 0)
		return err;
	if (!name || !prefix || !(pc = find_conn(x, name, true)))
		return rvi_fail(x->error, EINVAL, "line %u: -ConnectionName and -DestinationPrefix "
						  "are needed", c->line);
	if (strchr(prefix, ':')) {
		rvi_left(pc->c, "-DestinationPrefix", "%.64s: IPv6 routes are not supported by "
						      "roadvpn", prefix);
		return 0;
	}
	if (!rvi_route_valid(prefix))
		return rvi_fail(x->error, EINVAL, "line %u: -DestinationPrefix: \"%.64s\" is not an "
						  "IPv4 network", c->line, prefix);
	old = rvi_get(pc->c, "ip", "routes");
	list = old ? rvi_printf("%s,%s", old, prefix) : rvi_strdup(prefix);
	rvi_take(pc->c, "-DestinationPrefix", "ip", "routes", list);
	free(list);
	return 0;
}

static int map_cmd(struct ps_ctx *x, const struct ps_cmd *c)
{
	if (!known_cmdlet(c->cmdlet, strlen(c->cmdlet))) {
		rvi_result_note(x->r, RV_NOTE_INFO, "", "line %u: %.40s: not a VPN connection "
							"command: ignored", c->line, c->cmdlet);
		return 0;
	}
	if (!strcasecmp(c->cmdlet, "Set-VpnConnectionIPsecConfiguration"))
		return map_ipsec_config(x, c);
	if (!strcasecmp(c->cmdlet, "Add-VpnConnectionRoute"))
		return map_route(x, c);
	return map_connection(x, c, !strcasecmp(c->cmdlet, "Add-VpnConnection"));
}

/* ---- Windows algorithm names ---- */

static const struct rvi_alias win_ciphers[] = {
	{ "DES", "des" },           { "DES3", "3des" },         { "AES128", "aes128" },
	{ "AES192", "aes192" },     { "AES256", "aes256" },     { "GCMAES128", "aes128gcm16" },
	{ "GCMAES192", "aes192gcm16" }, { "GCMAES256", "aes256gcm16" }, { "None", "null" },
};
static const struct rvi_alias win_hashes[] = {
	{ "MD5", "md5" },       { "SHA1", "sha1" },     { "SHA256", "sha256" },
	{ "SHA384", "sha384" }, { "MD596", "md5" },     { "SHA196", "sha1" },
	{ "SHA256128", "sha256" },
};
static const struct rvi_alias win_groups[] = {
	{ "Group1", "modp768" },   { "Group2", "modp1024" },  { "Group14", "modp2048" },
	{ "ECP256", "ecp256" },    { "ECP384", "ecp384" },    { "Group24", "modp2048s256" },
	{ "PFS1", "modp768" },     { "PFS2", "modp1024" },    { "PFS2048", "modp2048" },
	{ "PFS24", "modp2048s256" },
};

/* Windows' name in roadvpn's words; an unknown one as it is (the proposal note names it). */
static const char *win_name(const struct rvi_alias *t, size_t n, const char *s)
{
	const char *ours = s ? rvi_alias(t, n, s) : NULL;

	return ours ? ours : s ? s : "";
}

#define WIN(t, s) win_name(t, sizeof(t) / sizeof(t[0]), s)

static void set_proposal(struct rvi_conn *c, const char *field, const char *key, char *token,
			 bool phase1)
{
	char *list = rvi_proposals(c, field, token, phase1);

	if (list)
		rvi_take(c, field, "ipsec", key, list);
	free(list);
	free(token);
}

static void map_pfs(struct ps_conn *pc)
{
	const char *p = pc->pfs;

	if (!p)
		return;
	if (!strcasecmp(p, "None")) {
		rvi_take(pc->c, "-PfsGroup", "ipsec", "pfs", "none");
	} else if (!strcasecmp(p, "PFSMM") && pc->ike[2] && rvi_proposals_group(WIN(win_groups, pc->ike[2]))) {
		rvi_take(pc->c, "-PfsGroup", "ipsec", "pfs", WIN(win_groups, pc->ike[2]));
	} else if (rvi_proposals_group(WIN(win_groups, p))) {
		rvi_take(pc->c, "-PfsGroup", "ipsec", "pfs", WIN(win_groups, p));
	} else {
		rvi_left(pc->c, "-PfsGroup", "PFS group %.16s unknown to roadvpn: left at default",
			 !strncasecmp(p, "PFS", 3) && p[3] ? p + 3 : p);
	}
}

/* Windows' one proposal per phase; '!' because Windows offers nothing else. */
static void map_proposals(struct ps_conn *pc)
{
	if (pc->ike[0] || pc->ike[1] || pc->ike[2])
		set_proposal(pc->c, "-EncryptionMethod/-IntegrityCheckMethod/-DHGroup", "ike",
			     rvi_printf("%s-%s-%s!", WIN(win_ciphers, pc->ike[0]),
					WIN(win_hashes, pc->ike[1]), WIN(win_groups, pc->ike[2])),
			     true);
	if (pc->esp[0] || pc->esp[1]) {
		bool gcm = pc->esp[0] && !strncasecmp(pc->esp[0], "GCM", 3);

		set_proposal(pc->c, "-CipherTransformConstants/-AuthenticationTransformConstants",
			     "esp", gcm ? rvi_printf("%s!", WIN(win_ciphers, pc->esp[0]))
					: rvi_printf("%s-%s!", WIN(win_ciphers, pc->esp[0]),
						     WIN(win_hashes, pc->esp[1])),
			     false);
	}
	map_pfs(pc);
}

static void finish_conn(struct ps_ctx *x, struct ps_conn *pc)
{
	struct rvi_conn *c = pc->c;

	pc->c = NULL;
	rvi_set(c, "ipsec", "enabled", "true");
	if (!rvi_get(c, "connection", "gateway")) {
		rvi_result_note(x->r, RV_NOTE_INFO, c->name, "skipped: no Add-VpnConnection "
							     "-ServerAddress for it in the file");
		rvi_conn_free(c);
		return;
	}
	if (!c->n_secrets) {
		rvi_set(c, "ipsec", "psk-flags", "ask");
		rvi_info(c, "-L2tpPsk", "not given: roadvpn asks for the pre-shared key at connect "
					"time");
	}
	if (x->opts && x->opts->user) {
		rvi_take(c, "user (given)", "ppp", "user", x->opts->user);
	} else {
		rvi_missing(c, "ppp.user");
		rvi_info(c, "user", "Windows asks for the user name at the first connect");
	}
	rvi_set(c, "ppp", "password-flags", "ask");
	rvi_result_add(x->r, c);
}

static void free_ps_conn(struct ps_conn *pc)
{
	rvi_conn_free(pc->c);
	for (size_t i = 0; i < 3; i++)
		free(pc->ike[i]);
	free(pc->esp[0]);
	free(pc->esp[1]);
	free(pc->pfs);
}

int rvi_import_powershell(const char *d, size_t len, const struct rv_import_options *opts,
			  struct rv_import_result *r, char **error)
{
	struct lexer l = { d, d + len, 1 };
	struct ps_ctx x = { .r = r, .opts = opts, .error = error };
	struct ps_cmd cmd = { 0 };
	unsigned int n = 0;
	int err = 0;

	if (memchr(d, '\0', len))
		return rvi_fail(error, EBADMSG, "not a text file (it holds a NUL byte)");
	while ((err = next_statement(&l, &cmd, error)) == 0 && cmd.cmdlet) {
		if (++n > PS_MAX_STATEMENTS) {
			err = rvi_fail(error, EFBIG, "more than %d commands", PS_MAX_STATEMENTS);
			break;
		}
		if ((err = map_cmd(&x, &cmd)) < 0)
			break;
	}
	cmd_clear(&cmd);
	for (size_t i = 0; i < x.n; i++) {
		if (err == 0 && (!opts || !opts->entry || !strcasecmp(opts->entry, x.conns[i].c->name))) {
			map_proposals(&x.conns[i]);
			finish_conn(&x, &x.conns[i]);
		}
		free_ps_conn(&x.conns[i]);
	}
	r->format_detail = rvi_printf(dngettext(GETTEXT_PACKAGE, "%u command", "%u commands", n), n);
	return err;
}
