/*
 * nm-roadvpn-service: the VPN service NetworkManager execs for connections
 * of type roadvpn (the .name file's program=). It is a thin client of
 * roadvpnd through libroadvpn-client only:
 *
 *   NM Connect  -> vpn.data through the table (rv-nm-map.h) into a profile,
 *                  the secrets into connect options, and roadvpnd connects
 *                  that profile (it stays NetworkManager's: never stored)
 *                  with configure-network=false;
 *   phases      -> NetworkManager's log, one line each;
 *   up          -> Config + Ip4Config: the TUN device, the gateway, our
 *                  address, the peer, DNS and MTU; NetworkManager sets up
 *                  addresses, routes and DNS as for any VPN;
 *   IPv6CP up   -> HAS_IP6 and Ip6Config: the link-local addresses PPP
 *                  agreed on (with up, or resent when IPv6CP opens later);
 *   failure     -> the phase and reason in the log, the nearest
 *                  NMVpnPluginFailure for NetworkManager (one, see stop());
 *   lost after up -> roadvpnd reconnects on its own: with the TUN device
 *                  kept, NetworkManager keeps the VPN activated and gets
 *                  the configuration again once it is up; with the device
 *                  replaced, or if roadvpnd gives up, the VPN fails with
 *                  the reason (see on_lost());
 *   NM Disconnect, or this process gone -> roadvpnd tears the tunnel down
 *                  (it watches us on the bus: a crash leaves nothing up).
 *
 * Secrets never reach a log line.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <NetworkManager.h>
#include <roadvpn-client/roadvpn-client.h>

#include "rv-nm-ip6.h"
#include "rv-nm-map.h"

#define RV_TYPE_NM_SERVICE (rv_nm_service_get_type())
G_DECLARE_FINAL_TYPE(RvNmService, rv_nm_service, RVNM, SERVICE, NMVpnServicePlugin)

struct _RvNmService {
	NMVpnServicePlugin parent;
	RvcClient *client;
	RvcConnection *conn;
	GCancellable *cancel;
	char *profile;             /* roadvpnd's name for it: nm-<uuid> */
	char *profile_text;
	RvcConnectOptions *options;
	guint32 gateway4;          /* network byte order */
	unsigned int ifindex;      /* of the TUN device NetworkManager was given */
	gboolean reconnecting;     /* lost after up, roadvpnd is on it */
	gboolean ip6_sent;         /* NetworkManager has this link's Ip6Config */
	gboolean never_default6;   /* IPv6's default route stays off the VPN */
	gboolean stopping;
};

G_DEFINE_TYPE(RvNmService, rv_nm_service, NM_TYPE_VPN_SERVICE_PLUGIN)

static gboolean debug;

/* Lines on stderr end up in NetworkManager's log, next to its own. */
G_GNUC_PRINTF(1, 2) static void say(const char *fmt, ...)
{
	g_autofree char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "nm-roadvpn[%d]: %s\n", (int)getpid(), msg);
}

static GHashTable *vpn_data(NMSettingVpn *s_vpn)
{
	GHashTable *data = rv_nm_table_new();
	guint n = 0;
	const char **keys = nm_setting_vpn_get_data_keys(s_vpn, &n);

	for (guint i = 0; i < n; i++)
		g_hash_table_insert(data, g_strdup(keys[i]),
				    g_strdup(nm_setting_vpn_get_data_item(s_vpn, keys[i])));
	g_free(keys);
	return data;
}

/* need_secrets ------------------------------------------------------------ */

static gboolean need_secrets(NMVpnServicePlugin *plugin, NMConnection *connection,
			     const char **setting_name, GError **error)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	g_autoptr(GHashTable) data = NULL;
	g_auto(GStrv) needed = NULL;

	if (!s_vpn) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
			    "not a VPN connection");
		return FALSE;
	}
	data = vpn_data(s_vpn);
	needed = rv_nm_needed_secrets(data);
	for (char **n = needed; *n; n++) {
		const char *v = nm_setting_vpn_get_secret(s_vpn, *n);

		if (!v || !*v) {
			*setting_name = NM_SETTING_VPN_SETTING_NAME;
			return TRUE;
		}
	}
	return FALSE;
}

/* Reporting to NetworkManager ------------------------------------------------ */

static GVariant *ip4_addr(const char *text)
{
	struct in_addr a;

	return text && inet_pton(AF_INET, text, &a) == 1 ? g_variant_new_uint32(a.s_addr) : NULL;
}

/* The general part: device, gateway, MTU, and which of IPv4 and IPv6 follow. */
static void send_general(RvNmService *self, gboolean has_ip6)
{
	RvcConnection *c = self->conn;
	GVariantBuilder general;

	g_variant_builder_init(&general, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&general, "{sv}", NM_VPN_PLUGIN_CONFIG_TUNDEV,
			      g_variant_new_string(rvc_connection_get_interface(c)));
	g_variant_builder_add(&general, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY,
			      g_variant_new_uint32(self->gateway4));
	if (rvc_connection_get_mtu(c))
		g_variant_builder_add(&general, "{sv}", NM_VPN_PLUGIN_CONFIG_MTU,
				      g_variant_new_uint32(rvc_connection_get_mtu(c)));
	g_variant_builder_add(&general, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP4,
			      g_variant_new_boolean(TRUE));
	g_variant_builder_add(&general, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP6,
			      g_variant_new_boolean(has_ip6));
	nm_vpn_service_plugin_set_config(NM_VPN_SERVICE_PLUGIN(self),
					 g_variant_builder_end(&general));
}

static void send_ip4(RvNmService *self)
{
	RvcConnection *c = self->conn;
	GVariantBuilder ip4, dns;
	GVariant *addr = ip4_addr(rvc_connection_get_address(c));
	GVariant *peer = ip4_addr(rvc_connection_get_peer_address(c));

	g_variant_builder_init(&ip4, G_VARIANT_TYPE_VARDICT);
	if (addr)
		g_variant_builder_add(&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS, addr);
	g_variant_builder_add(&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PREFIX,
			      g_variant_new_uint32(32));
	if (peer)
		g_variant_builder_add(&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PTP, peer);
	g_variant_builder_init(&dns, G_VARIANT_TYPE("au"));
	for (const char *const *d = rvc_connection_get_dns(c); *d; d++) {
		struct in_addr a;

		if (inet_pton(AF_INET, *d, &a) == 1)
			g_variant_builder_add(&dns, "u", a.s_addr);
	}
	g_variant_builder_add(&ip4, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_DNS,
			      g_variant_builder_end(&dns));
	nm_vpn_service_plugin_set_ip4_config(NM_VPN_SERVICE_PLUGIN(self),
					     g_variant_builder_end(&ip4));
}

/*
 * IPv6CP is up: NetworkManager gets our link-local address (/64, as roadvpnd
 * itself would put it on the TUN) and the peer's; IPv6's default route
 * only as rv_nm_ip6_never_default() says. FALSE when IPv6CP is not (yet) up.
 */
static gboolean send_ip6(RvNmService *self)
{
	GVariant *ip6 = rv_nm_ip6_config(rvc_connection_get_ipv6_address(self->conn),
					 rvc_connection_get_ipv6_peer_address(self->conn),
					 self->never_default6);

	if (!ip6)
		return FALSE;
	say("IPv6: %s peer %s", rvc_connection_get_ipv6_address(self->conn),
	    rvc_connection_get_ipv6_peer_address(self->conn));
	nm_vpn_service_plugin_set_ip6_config(NM_VPN_SERVICE_PLUGIN(self), ip6);
	return TRUE;
}

/*
 * Config, Ip4Config and, when IPv6CP is up already, Ip6Config. NetworkManager
 * (1.42) completes the VPN once it has every part Config announced.
 */
static void send_config(RvNmService *self)
{
	RvcConnection *c = self->conn;
	gboolean has_ip6 = *rvc_connection_get_ipv6_address(c) != '\0';

	send_general(self, has_ip6);
	self->ifindex = if_nametoindex(rvc_connection_get_interface(c));
	say("up: %s address %s peer %s mtu %u (%s)", rvc_connection_get_interface(c),
	    rvc_connection_get_address(c), rvc_connection_get_peer_address(c),
	    rvc_connection_get_mtu(c), rvc_connection_get_auth_method(c));
	send_ip4(self);
	self->ip6_sent = has_ip6 && send_ip6(self);
}

/*
 * IPv6CP opened after up. NetworkManager 1.42 takes a Config again while
 * activated (HAS_IP6 now TRUE), waits for the Ip6Config it announces and
 * applies it next to the IPv4 part it has (nm-vpn-connection.c:
 * _dbus_signal_config_cb, _check_complete). Its Ip4Config stays.
 */
static void send_late_ip6(RvNmService *self)
{
	if (!*rvc_connection_get_ipv6_address(self->conn))
		return;
	say("IPv6CP is up after the connection: NetworkManager gets the IPv6 part");
	send_general(self, TRUE);
	self->ip6_sent = send_ip6(self);
}

static NMVpnPluginFailure failure_kind(const char *reason)
{
	static const char *const login[] = { "auth-failed", "tunnel-auth-failed",
					     "no-auth-method", NULL };
	static const char *const ip[] = { "no-address", "network-setup-failed", NULL };

	if (g_strv_contains(login, reason))
		return NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED;
	if (g_strv_contains(ip, reason))
		return NM_VPN_PLUGIN_FAILURE_BAD_IP_CONFIG;
	return NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED;
}

/*
 * Ends the VPN with one failure. libnm's nm_vpn_service_plugin_failure()
 * called while STARTING sends a second Failure (connect-failed) after ours,
 * and NetworkManager 1.42 keeps the last one it heard: nmcli then said
 * "Unknown reason" for a wrong key. In STOPPING, failure() sends only ours;
 * then our own teardown and STOPPED, which NetworkManager ends the VPN on.
 */
static void stop(RvNmService *self, NMVpnPluginFailure kind)
{
	NMVpnServicePlugin *plugin = NM_VPN_SERVICE_PLUGIN(self);

	g_object_set(plugin, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STOPPING, NULL);
	nm_vpn_service_plugin_failure(plugin, kind);
	NM_VPN_SERVICE_PLUGIN_GET_CLASS(plugin)->disconnect(plugin, NULL);
	g_object_set(plugin, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STOPPED, NULL);
}

/*
 * One line with roadvpn's phase and reason, in words (the library's label
 * and text, e.g. "IKE phase 1: Authentication failed: wrong pre-shared key
 * or certificate?") and roadvpnd's own sentence; then NetworkManager's
 * failure.
 */
static void report_failure(RvNmService *self, const RvcFailure *f)
{
	RvcPhase phase = rvc_phase_from_id(f->phase);
	NMVpnPluginFailure kind = failure_kind(f->reason);

	say("failed in phase %s (%s): %s: %s (%s)", f->phase, f->reason, rvc_phase_label(phase),
	    rvc_failure_text(phase, f->reason), f->message);
	g_clear_object(&self->conn); /* f's strings are its */
	stop(self, kind);
}

static void fail_with_error(RvNmService *self, const GError *error)
{
	say("failed: %s", error->message);
	stop(self, g_error_matches(error, RVC_ERROR, RVC_ERROR_NEEDS_SECRETS) ?
		   NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED : NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
}

/* Following roadvpnd ---------------------------------------------------------- */

/* The TUN device NetworkManager was given is still there (by its index). */
static gboolean same_tun(RvNmService *self)
{
	char name[IF_NAMESIZE];
	const char *now = self->conn ? rvc_connection_get_interface(self->conn) : "";

	return self->ifindex && if_indextoname(self->ifindex, name) &&
	       (!*now || !strcmp(name, now));
}

/*
 * Lost, and roadvpnd replaced the TUN device: NetworkManager 1.42 keeps
 * DNS per interface index and drops only the current one's when the VPN
 * ends, so a configuration for a new device would leave the old device's
 * DNS servers in resolv.conf for good (seen in frontends-nm-connect). The
 * VPN ends here instead, with the reason, while NetworkManager still knows
 * the old device; NetworkManager's own retry (or the user) starts afresh.
 */
static void end_lost(RvNmService *self)
{
	say("failed in phase up (connection-lost): the gateway was lost and the TUN device "
	    "with it; ending the VPN");
	stop(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
}

/*
 * Lost after up, the TUN device kept: roadvpnd reconnects on its own (DPD,
 * a gateway restart). NetworkManager keeps the VPN activated meanwhile, as
 * with NetworkManager-openvpn's restarts (--persist-tun): its routes and
 * DNS stay on the device, so nothing leaks around the tunnel while it is
 * away.
 */
static void on_lost(RvNmService *self)
{
	if (!same_tun(self)) {
		end_lost(self);
		return;
	}
	self->reconnecting = TRUE;
	say("the gateway was lost; roadvpnd reconnects, the VPN stays activated");
}

/* Up again: NetworkManager gets the configuration anew (the address or DNS may differ). */
static void on_back(RvNmService *self)
{
	if (!same_tun(self)) {
		end_lost(self);
		return;
	}
	self->reconnecting = FALSE;
	say("reconnected");
	send_config(self);
}

/*
 * After up, follow roadvpnd: a loss and a reconnect keep the VPN; a final
 * failure (roadvpnd gave up, or reconnect is off) ends it with the reason.
 */
static void on_changed(RvcConnection *c, RvNmService *self)
{
	RvcPhase phase = rvc_connection_get_phase(c);
	RvcFailure f;

	if (self->stopping)
		return;
	if (rvc_connection_is_gone(c)) {
		say("roadvpnd went away");
		g_clear_object(&self->conn);
		stop(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
	} else if (phase == RVC_PHASE_FAILED && rvc_connection_get_last_error(c, &f)) {
		report_failure(self, &f);
	} else if (phase == RVC_PHASE_DISCONNECTED) {
		say("roadvpnd ended the connection");
		g_clear_object(&self->conn);
		stop(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
	} else if (phase == RVC_PHASE_RECONNECT_WAIT && !self->reconnecting) {
		on_lost(self);
	} else if (phase == RVC_PHASE_UP && self->reconnecting) {
		on_back(self);
	} else if (phase == RVC_PHASE_UP && !self->ip6_sent) {
		send_late_ip6(self);
	}
}

static void on_progress(RvcConnection *c, const RvcProgress *p, gpointer user_data)
{
	if (!p->is_end)
		say("phase: %s%s", p->label, p->passed_unseen ? " (passed)" : "");
}

static void on_followed(GObject *source, GAsyncResult *result, gpointer user_data)
{
	RvNmService *self = user_data;
	g_autoptr(GError) error = NULL;
	RvcPhase end = rvc_connection_follow_finish(RVC_CONNECTION(source), result, &error);
	RvcFailure f;

	if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->stopping)
		return;
	if (error) {
		fail_with_error(self, error);
		return;
	}
	if (end == RVC_PHASE_UP) {
		send_config(self);
		g_signal_connect(self->conn, "changed", G_CALLBACK(on_changed), self);
	} else if (end == RVC_PHASE_FAILED && rvc_connection_get_last_error(self->conn, &f)) {
		report_failure(self, &f);
	} else {
		say("the connection ended before it was up");
		stop(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
	}
}

static void on_connected(GObject *source, GAsyncResult *result, gpointer user_data)
{
	RvNmService *self = user_data;
	g_autoptr(GError) error = NULL;
	RvcConnection *c = rvc_client_connect_finish(RVC_CLIENT(source), result, &error);

	if (!c) {
		if (!g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
			fail_with_error(self, error);
		return;
	}
	self->conn = c;
	say("roadvpnd connects it as %s", rvc_connection_get_path(c));
	rvc_connection_follow(c, on_progress, self, self->cancel, on_followed, self);
}

static void start_connect(RvNmService *self)
{
	rvc_client_connect(self->client, self->profile, self->options, NULL, NULL, self->cancel,
			   on_connected, self);
}

static void on_resolved(GObject *source, GAsyncResult *result, gpointer user_data)
{
	RvNmService *self = user_data;
	g_autoptr(GError) error = NULL;
	GList *addrs = g_resolver_lookup_by_name_finish(G_RESOLVER(source), result, &error);

	for (GList *l = addrs; l; l = l->next) {
		if (g_inet_address_get_family(l->data) == G_SOCKET_FAMILY_IPV4) {
			memcpy(&self->gateway4, g_inet_address_to_bytes(l->data), 4);
			break;
		}
	}
	g_resolver_free_addresses(addrs);
	if (!self->gateway4) {
		say("failed in phase resolving (resolve-failed): %s",
		    error ? error->message : "no IPv4 address");
		stop(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
		return;
	}
	start_connect(self);
}

/* Connect ------------------------------------------------------------------------ */

static RvcConnectOptions *connect_options(NMSettingVpn *s_vpn, const char *profile_text)
{
	RvcConnectOptions *o = rvc_connect_options_new();
	const char *names[] = { RV_NM_SECRET_PASSWORD, RV_NM_SECRET_PSK, RV_NM_SECRET_L2TP,
				RV_NM_SECRET_CERTPASS };

	rvc_connect_options_set_configure_network(o, FALSE);
	rvc_connect_options_set_profile_text(o, profile_text);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		const char *v = nm_setting_vpn_get_secret(s_vpn, names[i]);

		if (v && *v)
			rvc_connect_options_set_secret(o, rv_nm_secret_option(names[i]), v);
	}
	return o;
}

static gboolean never_default(NMSettingIPConfig *s_ip)
{
	return s_ip && nm_setting_ip_config_get_never_default(s_ip);
}

static gboolean real_connect(NMVpnServicePlugin *plugin, NMConnection *connection,
			     GError **error)
{
	RvNmService *self = RVNM_SERVICE(plugin);
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	g_autoptr(GHashTable) data = NULL;
	g_autoptr(GKeyFile) kf = NULL;
	g_autoptr(GError) local = NULL;
	const char *gateway;

	if (!s_vpn) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
			    "not a VPN connection");
		return FALSE;
	}
	data = vpn_data(s_vpn);
	kf = rv_nm_data_to_keyfile(data, &local);
	if (!kf) {
		say("bad settings: %s", local->message);
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "%s",
			    local->message);
		return FALSE;
	}
	g_clear_pointer(&self->profile, g_free);
	self->profile = g_strdup_printf("nm-%s", nm_connection_get_uuid(connection));
	g_key_file_set_string(kf, "connection", "name", nm_connection_get_id(connection));
	g_free(self->profile_text);
	self->profile_text = g_key_file_to_data(kf, NULL, NULL);
	g_clear_pointer(&self->options, rvc_connect_options_free);
	self->options = connect_options(s_vpn, self->profile_text);
	self->stopping = self->reconnecting = self->ip6_sent = FALSE;
	self->ifindex = 0;
	self->gateway4 = 0;
	self->never_default6 = rv_nm_ip6_never_default(
		never_default(nm_connection_get_setting_ip4_config(connection)),
		never_default(nm_connection_get_setting_ip6_config(connection)));
	g_clear_object(&self->cancel);
	self->cancel = g_cancellable_new();

	gateway = g_hash_table_lookup(data, "gateway");
	say("connecting '%s' to %s through roadvpnd", nm_connection_get_id(connection), gateway);
	if (inet_pton(AF_INET, gateway, &self->gateway4) == 1)
		start_connect(self);
	else
		g_resolver_lookup_by_name_async(g_resolver_get_default(), gateway, self->cancel,
						on_resolved, self);
	return TRUE;
}

/* Disconnect: NetworkManager's down always ends roadvpnd's connection. */
static gboolean real_disconnect(NMVpnServicePlugin *plugin, GError **error)
{
	RvNmService *self = RVNM_SERVICE(plugin);
	g_autoptr(GError) local = NULL;

	self->stopping = TRUE;
	if (self->cancel)
		g_cancellable_cancel(self->cancel);
	if (self->conn && !rvc_connection_is_gone(self->conn) &&
	    !rvc_connection_disconnect_sync(self->conn, NULL, &local))
		say("disconnect: %s", local->message);
	else if (!self->conn && self->profile && self->client)
		rvc_client_disconnect_sync(self->client, self->profile, NULL, NULL);
	say("disconnected");
	g_clear_object(&self->conn);
	return TRUE;
}

static void finalize(GObject *object)
{
	RvNmService *self = RVNM_SERVICE(object);

	g_clear_object(&self->conn);
	g_clear_object(&self->cancel);
	g_clear_object(&self->client);
	g_clear_pointer(&self->options, rvc_connect_options_free);
	g_free(self->profile);
	g_free(self->profile_text);
	G_OBJECT_CLASS(rv_nm_service_parent_class)->finalize(object);
}

static void rv_nm_service_init(RvNmService *self)
{
}

static void rv_nm_service_class_init(RvNmServiceClass *klass)
{
	NMVpnServicePluginClass *parent = NM_VPN_SERVICE_PLUGIN_CLASS(klass);

	G_OBJECT_CLASS(klass)->finalize = finalize;
	parent->connect = real_connect;
	parent->need_secrets = need_secrets;
	parent->disconnect = real_disconnect;
}

/* main ---------------------------------------------------------------------------- */

static void on_quit(NMVpnServicePlugin *plugin, GMainLoop *loop)
{
	g_main_loop_quit(loop);
}

/*
 * The last Failure and StateChanged(STOPPED) are still queued when "quit"
 * ends the loop: gone with the process, NetworkManager would see only our
 * name vanish ("The VPN service stopped unexpectedly") instead of the reason.
 */
static void flush_bus(RvNmService *self)
{
	g_autoptr(GDBusConnection) bus = nm_vpn_service_plugin_get_connection(
		NM_VPN_SERVICE_PLUGIN(self));

	if (bus)
		g_dbus_connection_flush_sync(bus, NULL, NULL);
}

int main(int argc, char *argv[])
{
	g_autoptr(GOptionContext) ctx = g_option_context_new("- roadvpn NetworkManager service");
	g_autoptr(GError) error = NULL;
	g_autoptr(GMainLoop) loop = NULL;
	g_autoptr(RvNmService) self = NULL;
	g_autofree char *bus_name = NULL;
	gboolean persist = FALSE;
	GOptionEntry entries[] = {
		{ "persist", 0, 0, G_OPTION_ARG_NONE, &persist, "Stay after the connection ends",
		  NULL },
		{ "debug", 0, 0, G_OPTION_ARG_NONE, &debug, "Stay on a terminal", NULL },
		{ "bus-name", 0, 0, G_OPTION_ARG_STRING, &bus_name, "D-Bus name", NULL },
		{ NULL },
	};

	setlocale(LC_ALL, "");
	g_option_context_add_main_entries(ctx, entries, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
		say("%s", error->message);
		return 1;
	}
	self = g_initable_new(RV_TYPE_NM_SERVICE, NULL, &error,
			      NM_VPN_SERVICE_PLUGIN_DBUS_SERVICE_NAME,
			      bus_name ? bus_name : RV_NM_SERVICE,
			      NM_VPN_SERVICE_PLUGIN_DBUS_WATCH_PEER, !debug, NULL);
	if (!self) {
		say("cannot start: %s", error->message);
		return 1;
	}
	self->client = rvc_client_new_sync(NULL, &error);
	if (!self->client) {
		say("roadvpnd: %s", error->message);
		return 1;
	}
	loop = g_main_loop_new(NULL, FALSE);
	if (!persist)
		g_signal_connect(self, "quit", G_CALLBACK(on_quit), loop);
	g_main_loop_run(loop);
	flush_bus(self);
	return 0;
}
