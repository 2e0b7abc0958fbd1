#!/usr/bin/python3
"""The roadvpn editor in a GTK 4 host, loaded as GNOME Settings 43 loads a
VPN editor: the .name file (NM.VpnPluginInfo) -> libnm-vpn-plugin-roadvpn.so
-> get_editor, which must pick the GTK 4 editor module for a GTK 4 process.
The page must show the connection's vpn.data, write an edited field back with
update_connection, keep the secrets' storage flags, and refuse (on the field
and in update_connection) a bad gateway; the IPsec dialog opens, disables OK
for a bad proposal and its Cancel undoes the edit; the PPP dialog's OK keeps
one. Screenshots go to SHOT and next to it (-bad, -ipsec, -ppp).

    nm-editor-gtk4.py NAME_FILE SHOT
"""
import subprocess
import sys
import time

import gi

gi.require_version("NM", "1.0")
gi.require_version("Gtk", "4.0")
from gi.repository import GLib, Gtk, NM  # noqa: E402

SERVICE = "org.freedesktop.NetworkManager.roadvpn"


def fail(msg):
    sys.exit(f"FAIL: {msg}")


def widgets(widget):
    """widget and everything under it (GTK 4's sibling chain)."""
    yield widget
    child = widget.get_first_child()
    while child is not None:
        yield from widgets(child)
        child = child.get_next_sibling()


def field(page, label):
    """The widget a mnemonic label (e.g. "Gateway:") names."""
    for w in widgets(page):
        if isinstance(w, Gtk.Label) and w.get_text() == label and w.get_mnemonic_widget():
            return w.get_mnemonic_widget()
    fail(f"no field labelled {label!r}")
    return None


def connection():
    conn = NM.SimpleConnection.new()
    s_con = NM.SettingConnection.new()
    s_con.set_property("id", "office")
    s_con.set_property("uuid", NM.utils_uuid_generate())
    s_con.set_property("type", "vpn")
    s_vpn = NM.SettingVpn.new()
    s_vpn.set_property("service-type", SERVICE)
    for k, v in (("gateway", "vpn.example.com"), ("user", "alice"),
                 ("ipsec-enabled", "yes"), ("ipsec-psk-flags", "1"),
                 ("password-flags", "1")):
        s_vpn.add_data_item(k, v)
    conn.add_setting(s_con)
    conn.add_setting(s_vpn)
    return conn


def settle(rounds=30):
    """Run the main loop a while: ROUNDS/100 s at least, so frames (layout,
    drawing) happen before a check or a screenshot."""
    ctx = GLib.MainContext.default()
    end = time.monotonic() + rounds / 100
    while time.monotonic() < end:
        while ctx.pending():
            ctx.iteration(False)
        time.sleep(0.01)


def loaded_modules():
    with open("/proc/self/maps", encoding="utf-8") as maps:
        return {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "/" in line}


def check_loaded():
    mods = loaded_modules()
    if "libnm-gtk4-vpn-plugin-roadvpn-editor.so" not in mods:
        fail("the editor plugin did not load the GTK 4 editor module")
    if "libnm-vpn-plugin-roadvpn-editor.so" in mods or any(
            m.startswith("libgtk-3") for m in mods):
        fail("GTK 3 (or the GTK 3 editor) was loaded into a GTK 4 process")


def check_shown(page):
    want = {"Gateway:": "vpn.example.com", "User name:": "alice"}
    for label, value in want.items():
        text = field(page, label).get_text()
        if text != value:
            fail(f"{label} shows {text!r}, not {value!r}")
    psk = field(page, "Pre-shared key:")
    if psk.get_visibility():
        fail("the pre-shared key is shown in clear")
    buttons = [w.get_label() for w in widgets(page) if isinstance(w, Gtk.Button)]
    for b in ("_IPsec Settings…", "_PPP Settings…"):
        if b not in buttons:
            fail(f"no {b!r} button among {buttons}")


def check_update(editor, page, conn):
    changed = []
    editor.connect("changed", lambda *_: changed.append(1))
    field(page, "Gateway:").set_text("vpn2.example.com")
    settle(10)
    if not changed:
        fail("editing the gateway did not emit NMVpnEditor::changed")
    editor.update_connection(conn)
    s_vpn = conn.get_setting_vpn()
    if s_vpn.get_data_item("gateway") != "vpn2.example.com":
        fail(f"vpn.data gateway is {s_vpn.get_data_item('gateway')!r} after the edit")
    if s_vpn.get_data_item("user") != "alice":
        fail("vpn.data lost the user")
    # a VPN secret's flags are the data item NAME-flags (1: agent-owned)
    for name in ("ipsec-psk", "password"):
        flags = s_vpn.get_data_item(f"{name}-flags")
        if flags != "1":
            fail(f"{name}-flags became {flags!r}, not 1 (agent-owned)")


def check_refused(editor, page, conn):
    gateway = field(page, "Gateway:")
    gateway.set_text("bad gateway!")
    settle(10)
    if not gateway.has_css_class("error"):
        fail("a bad gateway is not marked on its field")
    if not gateway.get_tooltip_text():
        fail("a bad gateway's field says nothing about why")
    try:
        editor.update_connection(conn)
    except GLib.Error as e:
        if "gateway" not in e.message:
            fail(f"update_connection refused for another reason: {e.message}")
        return e.message
    fail("update_connection took a bad gateway (Save would be allowed)")
    return None


def open_dialog(page, button, title):
    """Click BUTTON on the page; the dialog it presents, titled TITLE."""
    for w in widgets(page):
        if isinstance(w, Gtk.Button) and w.get_label() == button:
            w.emit("clicked")
            break
    settle()
    for top in Gtk.Window.list_toplevels():
        if top.get_title() == title and top.get_visible():
            return top
    fail(f"{button!r} showed no visible {title!r} dialog")
    return None


def check_ipsec_dialog(editor, page, conn, shot):
    dialog = open_dialog(page, "_IPsec Settings…", "IPsec Settings")
    if dialog.get_transient_for() is not page.get_root():
        fail("the IPsec dialog is not transient for the window hosting the page")
    ok = dialog.get_widget_for_response(Gtk.ResponseType.OK)
    if not ok.get_sensitive():
        fail("the IPsec dialog's OK is off with nothing wrong")
    # GTK 4 takes a folded expander's rows out of the widget tree: unfold
    advanced = [w for w in widgets(dialog) if isinstance(w, Gtk.Expander)]
    if not advanced or advanced[0].get_expanded():
        fail("the IPsec dialog's Advanced section is not there, folded")
    advanced[0].set_expanded(True)
    settle()
    sw = next(w for w in widgets(dialog) if isinstance(w, Gtk.ScrolledWindow))
    if sw.get_vadjustment().get_value() <= 0:
        fail("the unfolded Advanced rows were not scrolled into view")
    ike = field(dialog, "Phase 1 proposals:")
    ike.set_text("aes256 sha1")
    settle(10)
    if ok.get_sensitive() or not ike.has_css_class("error"):
        fail(f"a bad phase 1 proposal: OK {ok.get_sensitive()}, marked {ike.has_css_class('error')}")
    subprocess.run(["import", "-window", "root", shot], check=True)
    dialog.response(Gtk.ResponseType.CANCEL)
    settle()
    if dialog.get_visible():
        fail("Cancel did not close the IPsec dialog")
    editor.update_connection(conn)
    if conn.get_setting_vpn().get_data_item("ipsec-ike") is not None:
        fail("the IPsec dialog's Cancel kept the edited proposal")


def check_ppp_dialog(editor, page, conn, shot):
    dialog = open_dialog(page, "_PPP Settings…", "PPP Settings")
    field(dialog, "MTU:").set_text("1300")
    settle(10)
    subprocess.run(["import", "-window", "root", shot], check=True)
    dialog.response(Gtk.ResponseType.OK)
    settle()
    editor.update_connection(conn)
    if conn.get_setting_vpn().get_data_item("mtu") != "1300":
        fail("the PPP dialog's OK did not keep the MTU")


def main():
    name_file, shot = sys.argv[1:3]
    info = NM.VpnPluginInfo.new_from_file(name_file)
    plugin = info.load_editor_plugin()
    conn = connection()
    editor = plugin.get_editor(conn)
    check_loaded()
    # about the width GNOME Settings gives a VPN page
    window = Gtk.Window(title="roadvpn — GTK 4 editor", default_width=560)
    page = editor.get_widget()
    window.set_child(page)
    window.present()
    settle()
    check_shown(page)
    check_update(editor, page, conn)
    field(page, "Gateway:").set_text("vpn.example.com")
    settle()
    subprocess.run(["import", "-window", "root", shot], check=True)
    check_ipsec_dialog(editor, page, conn, shot.replace(".png", "-ipsec.png"))
    check_ppp_dialog(editor, page, conn, shot.replace(".png", "-ppp.png"))
    why = check_refused(editor, page, conn)
    settle()
    subprocess.run(["import", "-window", "root", shot.replace(".png", "-bad.png")],
                   check=True)
    print(f"GTK 4 editor: shown, updated, dialogs, bad gateway refused ({why}); {shot}")


main()
