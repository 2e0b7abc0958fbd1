#pragma once
/*
 * The libnm VPN editor plugin of roadvpn and the factory its GTK editor
 * module exports (the two .so files share only this name and signature).
 */
#include <NetworkManager.h>

#define RV_NM_TYPE_EDITOR_PLUGIN (rv_nm_editor_plugin_get_type())
G_DECLARE_FINAL_TYPE(RvNmEditorPlugin, rv_nm_editor_plugin, RV_NM, EDITOR_PLUGIN, GObject)

#define RV_NM_EDITOR_FACTORY "rv_nm_editor_factory"
typedef NMVpnEditor *(*RvNmEditorFactory)(NMVpnEditorPlugin *plugin, NMConnection *connection,
					  GError **error);
