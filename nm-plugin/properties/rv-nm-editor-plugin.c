/*
 * libnm-vpn-plugin-roadvpn.so: what libnm loads for the roadvpn VPN type
 * (the [libnm] plugin= of the .name file). It names the type, imports and
 * exports profiles, and loads the editor from the module next to it that
 * matches the GTK the host process runs (GTK 3: nm-connection-editor; GTK 4:
 * GNOME Settings 43+), so nmcli and other GTK-free clients never pull in GTK.
 */
#include <dlfcn.h>
#include <glib/gi18n-lib.h>

#include "rv-nm-editor-plugin.h"
#include "rv-nm-import-export.h"
#include "rv-nm-map.h"

#define EDITOR_MODULE_GTK3 "libnm-vpn-plugin-roadvpn-editor.so"
#define EDITOR_MODULE_GTK4 "libnm-gtk4-vpn-plugin-roadvpn-editor.so"

enum { PROP_0, PROP_NAME, PROP_DESC, PROP_SERVICE };

struct _RvNmEditorPlugin {
	GObject parent;
};

static void rv_nm_editor_plugin_iface_init(NMVpnEditorPluginInterface *iface);

G_DEFINE_TYPE_EXTENDED(RvNmEditorPlugin, rv_nm_editor_plugin, G_TYPE_OBJECT, 0,
		       G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR_PLUGIN,
					     rv_nm_editor_plugin_iface_init))

/*
 * The host's GTK, asked of the GTK already loaded into the process (we do not
 * link GTK): loading the editor built for the other major version would put
 * two GTKs into one process, which aborts on the first widget.
 */
static const char *editor_module(void)
{
	unsigned (*major)(void) = (unsigned (*)(void))dlsym(RTLD_DEFAULT, "gtk_get_major_version");

	return major && major() >= 4 ? EDITOR_MODULE_GTK4 : EDITOR_MODULE_GTK3;
}

/* The editor module in this module's own directory. */
static char *editor_module_path(GError **error)
{
	Dl_info info;
	g_autofree char *dir = NULL;
	char *path;

	if (!dladdr((void *)editor_module_path, &info) || !info.dli_fname) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
			    "cannot find the roadvpn plugin's own path");
		return NULL;
	}
	dir = g_path_get_dirname(info.dli_fname);
	path = g_build_filename(dir, editor_module(), NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
			    "missing %s (is the GNOME part of NetworkManager-roadvpn installed?)",
			    path);
		g_free(path);
		return NULL;
	}
	return path;
}

/* Loaded once and never unloaded: it registers GTypes, which cannot go away. */
static RvNmEditorFactory load_factory(GError **error)
{
	static RvNmEditorFactory factory;
	g_autofree char *path = NULL;
	void *module;

	if (factory)
		return factory;
	path = editor_module_path(error);
	if (!path)
		return NULL;
	module = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!module) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
			    "cannot load %s: %s", path, dlerror());
		return NULL;
	}
	factory = (RvNmEditorFactory)dlsym(module, RV_NM_EDITOR_FACTORY);
	if (!factory)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
			    "%s has no %s", path, RV_NM_EDITOR_FACTORY);
	return factory;
}

static NMVpnEditor *get_editor(NMVpnEditorPlugin *plugin, NMConnection *connection,
			       GError **error)
{
	RvNmEditorFactory factory = load_factory(error);

	return factory ? factory(plugin, connection, error) : NULL;
}

static NMVpnEditorPluginCapability get_capabilities(NMVpnEditorPlugin *plugin)
{
	return NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT | NM_VPN_EDITOR_PLUGIN_CAPABILITY_EXPORT;
}

static NMConnection *import_from_file(NMVpnEditorPlugin *plugin, const char *path,
				      GError **error)
{
	return rv_nm_import(path, error);
}

static gboolean export_to_file(NMVpnEditorPlugin *plugin, const char *path,
			       NMConnection *connection, GError **error)
{
	return rv_nm_export(path, connection, error);
}

static char *get_suggested_filename(NMVpnEditorPlugin *plugin, NMConnection *connection)
{
	const char *id = nm_connection_get_id(connection);
	g_autofree char *safe = g_strdup(id && *id ? id : "roadvpn");

	g_strdelimit(safe, "/\\ ", '_');
	return g_strdup_printf("%s.conf", safe);
}

static void get_property(GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string(value, _("L2TP/IPsec (roadvpn)"));
		break;
	case PROP_DESC:
		g_value_set_string(value, _("Compatible with L2TP/IPsec gateways (Windows RRAS, "
					    "Cisco, MikroTik, strongSwan, libreswan, SoftEther); "
					    "the tunnel runs in roadvpnd, no kernel modules."));
		break;
	case PROP_SERVICE:
		g_value_set_string(value, RV_NM_SERVICE);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void rv_nm_editor_plugin_init(RvNmEditorPlugin *plugin)
{
}

static void rv_nm_editor_plugin_class_init(RvNmEditorPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = get_property;
	g_object_class_override_property(object_class, PROP_NAME, NM_VPN_EDITOR_PLUGIN_NAME);
	g_object_class_override_property(object_class, PROP_DESC, NM_VPN_EDITOR_PLUGIN_DESCRIPTION);
	g_object_class_override_property(object_class, PROP_SERVICE, NM_VPN_EDITOR_PLUGIN_SERVICE);
}

static void rv_nm_editor_plugin_iface_init(NMVpnEditorPluginInterface *iface)
{
	iface->get_editor = get_editor;
	iface->get_capabilities = get_capabilities;
	iface->import_from_file = import_from_file;
	iface->export_to_file = export_to_file;
	iface->get_suggested_filename = get_suggested_filename;
}

G_MODULE_EXPORT NMVpnEditorPlugin *nm_vpn_editor_plugin_factory(GError **error);

G_MODULE_EXPORT NMVpnEditorPlugin *nm_vpn_editor_plugin_factory(GError **error)
{
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	return g_object_new(RV_NM_TYPE_EDITOR_PLUGIN, NULL);
}
