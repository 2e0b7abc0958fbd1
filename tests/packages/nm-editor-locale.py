#!/usr/bin/python3
"""The installed NetworkManager editor as nm-connection-editor loads it
(the .name file -> libnm plugin -> GTK editor), in the locale the caller
set (LANGUAGE): it must show WANT among its labels and no English label
from LEAK; a screenshot of it goes to SHOT.

    nm-editor-locale.py NAME_FILE WANT LEAK SHOT
"""
import subprocess
import sys

import gi

gi.require_version("NM", "1.0")
gi.require_version("Gtk", "3.0")
from gi.repository import Gtk, NM  # noqa: E402


def labels(widget):
    """Every label's text under widget, notebook pages included."""
    out = []
    if isinstance(widget, Gtk.Label):
        out.append(widget.get_text())
    if isinstance(widget, Gtk.Container):
        widget.forall(lambda child: out.extend(labels(child)))
    return out


def connection():
    conn = NM.SimpleConnection.new()
    s_con = NM.SettingConnection.new()
    s_con.set_property("id", "office")
    s_con.set_property("uuid", NM.utils_uuid_generate())
    s_con.set_property("type", "vpn")
    s_vpn = NM.SettingVpn.new()
    s_vpn.set_property("service-type", "org.freedesktop.NetworkManager.roadvpn")
    s_vpn.add_data_item("gateway", "vpn.example.com")
    s_vpn.add_data_item("user", "alice")
    conn.add_setting(s_con)
    conn.add_setting(s_vpn)
    return conn


def main():
    name_file, want, leak, shot = sys.argv[1:5]
    info = NM.VpnPluginInfo.new_from_file(name_file)
    plugin = info.load_editor_plugin()
    editor = plugin.get_editor(connection())
    window = Gtk.Window(title="roadvpn editor")
    window.add(editor.get_widget())
    window.show_all()
    for _ in range(200):
        Gtk.main_iteration_do(False)
    texts = labels(window)
    subprocess.run(["import", "-window", "root", shot], check=True)
    if not any(want in t for t in texts):
        sys.exit(f"no label with {want!r}: {texts}")
    if any(leak == t for t in texts):
        sys.exit(f"an English label {leak!r} in {texts}")
    print(f"editor labels: {texts[:8]}")


main()
