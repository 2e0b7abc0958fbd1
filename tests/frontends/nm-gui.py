#!/usr/bin/python3
"""Drive nm-connection-editor's roadvpn page and the auth dialog through
AT-SPI (dogtail), as a person would: the VPN type list, the page, the
IPsec and PPP dialogs, validation as one types, Save. Screenshots go to
OUT_DIR. Run by test-nm-gui.sh inside the NetworkManager harness, under
Xvfb and a session bus.

    nm-gui.py editor OUT_DIR     create "office" and save it
    nm-gui.py auth OUT_DIR CMD   the auth dialog in GTK mode (CMD reads stdin)
    nm-gui.py importexport OUT_DIR IN OUT   import IN, export it to OUT through
                                 the plugin as libnm finds it (nmcli's path)
"""
import os
import subprocess
import sys
import time

tree = GenericPredicate = None


def load_dogtail():
    """AT-SPI only for the GUI modes (importing dogtail connects to it)."""
    global tree, GenericPredicate
    from dogtail.config import config
    config.checkForA11y = False
    config.searchShowingOnly = True
    config.defaultDelay = 0.3
    config.searchCutoffCount = 40
    from dogtail import tree as t
    from dogtail.predicate import GenericPredicate as gp
    tree, GenericPredicate = t, gp

OUT = sys.argv[2]
GATEWAY = os.environ["GATEWAY"]


def child_env():
    env = dict(os.environ)
    if env.get("NM_GUI_PRELOAD"):
        env["LD_PRELOAD"] = env["NM_GUI_PRELOAD"]
    return env


def log(msg):
    print("nm-gui: " + msg, flush=True)


def fail(msg):
    shot("failure")
    print("nm-gui: FAIL: " + msg, flush=True)
    sys.exit(1)


def shot(name):
    path = os.path.join(OUT, name + ".png")
    subprocess.run(["import", "-window", "root", path], check=False)
    log("screenshot " + path)


def fits_600(dlg, how):
    """The whole dialog fits a 1024x600 screen (it was ~760 px before)."""
    w, h = dlg.size
    log("IPsec dialog %s: %dx%d" % (how, w, h))
    if h > 600 or w > 1024:
        fail("the IPsec dialog %s is %dx%d, more than 1024x600" % (how, w, h))


def app(name, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        for a in tree.root.applications():
            if a.name == name:
                return a
        time.sleep(0.3)
    fail(name + " did not appear on AT-SPI")


def find(node, timeout=10, **kw):
    end = time.time() + timeout
    while time.time() < end:
        found = node.findChildren(GenericPredicate(**kw))
        found = [f for f in found if f.showing]
        if found:
            return found[0]
        time.sleep(0.3)
    texts = node.findChildren(GenericPredicate(roleName=kw.get("roleName", "text")))
    log("have: %s" % [(t.name, [l.name for l in t.labeler] if hasattr(t, "labeler") and
                        isinstance(t.labeler, list) else getattr(t.labeler, "name", None))
                       for t in texts])
    fail("no %s in %s" % (kw, node.name))


def labelled(n, label):
    try:
        return n.roleName in ("text", "password text") and n.labeler is not None and \
            n.labeler.name == label
    except Exception:
        return False


def entry(node, label, timeout=10):
    """The text field a label is for (the label's mnemonic widget)."""
    end = time.time() + timeout
    while time.time() < end:
        found = node.findChildren(lambda n: labelled(n, label) and n.showing)
        if found:
            return found[0]
        time.sleep(0.3)
    fail("no field labelled %r in %s" % (label, node.name))


def type_into(field, text):
    field.text = text
    time.sleep(0.2)


def has_error_icon(field):
    # the row's tooltip/description says why; the entry gets the "error" class
    return bool(field.description)


def editor():
    load_dogtail()
    proc = subprocess.Popen(["nm-connection-editor", "--create", "--type=vpn"],
                            stdout=open(os.path.join(OUT, "nm-connection-editor.log"), "w"),
                            stderr=subprocess.STDOUT, env=child_env())
    a = app("nm-connection-editor")
    # The type chooser lists the VPN plugins in a combo box: ours by its name.
    combo = find(a, roleName="combo box", timeout=20)
    items = combo.findChildren(GenericPredicate(roleName="menu item"), showingOnly=False)
    names = [i.name for i in items]
    log("VPN types offered: %s" % names)
    ours = [i for i in items if i.name == "L2TP/IPsec (roadvpn)"]
    if not ours:
        fail("nm-connection-editor does not offer L2TP/IPsec (roadvpn)")
    ours[0].doActionNamed("click")
    time.sleep(0.5)
    shot("nm-type-chooser")
    find(a, name="Create…", roleName="push button").doActionNamed("click")

    gw = entry(a, "Gateway:")
    name = find(a, name="Connection name", roleName="text") if False else None
    del name
    type_into(gw, "bad host!")
    save = find(a, name="Save", roleName="push button")
    time.sleep(0.5)
    if save.sensitive:
        fail("Save is enabled with gateway 'bad host!'")
    if "not a host name" not in (gw.description or ""):
        log("gateway tooltip: %r" % gw.description)
    log("a bad gateway disables Save")
    type_into(gw, GATEWAY)
    type_into(entry(a, "User name:"), "alice")
    type_into(entry(a, "Password:"), "gui-password")
    type_into(entry(a, "Pre-shared key:"), "gui-psk")

    find(a, name="IPsec Settings…", roleName="push button").doActionNamed("click")
    dlg = find(a, name="IPsec Settings", roleName="dialog")
    fits_600(dlg, "folded")
    type_into(entry(dlg, "Gateway identity:"), GATEWAY)
    shot("nm-ipsec-dialog-folded")
    find(dlg, name="Advanced", roleName="toggle button").doActionNamed("activate")
    time.sleep(0.5)
    fits_600(dlg, "unfolded")
    ike = entry(dlg, "Phase 1 proposals:")
    type_into(ike, "aes256 sha1")
    ok = find(dlg, name="OK", roleName="push button")
    time.sleep(0.3)
    if ok.sensitive:
        fail("IPsec OK is enabled with proposals 'aes256 sha1'")
    log("bad proposals disable OK")
    type_into(ike, "aes256-sha256-modp2048,aes128-sha1-modp2048")
    shot("nm-ipsec-dialog")
    if not ok.sensitive:
        fail("IPsec OK stays disabled with good values")
    ok.doActionNamed("click")

    find(a, name="PPP Settings…", roleName="push button").doActionNamed("click")
    dlg = find(a, name="PPP Settings", roleName="dialog")
    pap = find(dlg, roleName="check box",
               name="PAP (sends the password unencrypted inside the tunnel)")
    pap.doActionNamed("click")
    type_into(entry(dlg, "MTU:"), "1380")
    shot("nm-ppp-dialog")
    find(dlg, name="OK", roleName="push button").doActionNamed("click")

    time.sleep(0.5)
    shot("nm-editor-page")
    if not save.sensitive:
        fail("Save is disabled with a complete connection")
    save.doActionNamed("click")
    end = time.time() + 15
    while time.time() < end and proc.poll() is None:
        time.sleep(0.3)
    if proc.poll() is None:
        proc.terminate()
        fail("the editor did not close after Save")
    log("saved")


def auth():
    load_dogtail()
    cmd = sys.argv[3:]
    out_path = os.path.join(OUT, "auth-dialog.out")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=open(out_path, "w"),
                            stderr=open(os.path.join(OUT, "auth-dialog.err"), "w"), env=child_env())
    proc.stdin.write(("DATA_KEY=gateway\nDATA_VAL=%s\nDATA_KEY=user\nDATA_VAL=alice\n"
                      "DATA_KEY=password-flags\nDATA_VAL=2\n"
                      "DATA_KEY=ipsec-psk-flags\nDATA_VAL=0\n"
                      "SECRET_KEY=ipsec-psk\nSECRET_VAL=stored-psk\nDONE\n\n" % GATEWAY).encode())
    proc.stdin.flush()
    a = app("nm-roadvpn-auth-dialog")
    pw = entry(a, "Password:")
    psk = entry(a, "Pre-shared key:")
    type_into(pw, "typed-password")
    shot("nm-auth-dialog")
    find(a, name="OK", roleName="push button").doActionNamed("click")
    end = time.time() + 10
    while time.time() < end:
        text = open(out_path).read()
        if text.endswith("\n\n\n") or "\n\n\n" in text:
            break
        time.sleep(0.2)
    proc.stdin.write(b"QUIT\n\n")
    proc.stdin.flush()
    rc = proc.wait(timeout=15)
    text = open(out_path).read()
    want = "password\ntyped-password\nipsec-psk\nstored-psk\n\n\n"
    if rc != 0 or text != want:
        fail("auth dialog printed %r (rc %d), expected %r" % (text, rc, want))
    del psk
    log("auth dialog answered password and PSK")


def importexport():
    import gi
    gi.require_version("NM", "1.0")
    from gi.repository import NM
    info = NM.VpnPluginInfo.new_search_file(None, "org.freedesktop.NetworkManager.roadvpn")
    if info is None:
        fail("libnm does not find the roadvpn .name file")
    plugin = info.load_editor_plugin()
    conn = plugin.import_(sys.argv[3])
    vpn = conn.get_setting_vpn()
    ip4 = conn.get_setting_ip4_config()
    got = (conn.get_id(), vpn.get_data_item("ipsec-ike"), vpn.get_data_item("refuse-pap"),
           ip4.get_never_default(), ip4.get_num_routes())
    if got != ("imported", "aes256-sha256-modp2048", "no", True, 1):
        fail("import gave %r" % (got,))
    plugin.export(sys.argv[4], conn)
    log("imported and exported through %s" % info.get_plugin())
    # Other platforms' files, through the converter: (file, gateway, user, psk flags).
    for path, want in zip(sys.argv[5::2], sys.argv[6::2]):
        vpn = plugin.import_(path).get_setting_vpn()
        got = ",".join(vpn.get_data_item(k) or "" for k in ("gateway", "user", "ipsec-psk-flags"))
        if got != want:
            fail("import of %s gave %s, not %s" % (path, got, want))
        log("imported %s: %s" % (path, got))


def nmimport():
    """What `nmcli connection import type roadvpn file FILE` does: the
    plugin's import, then the connection added to NetworkManager (saved)."""
    import gi
    gi.require_version("NM", "1.0")
    from gi.repository import GLib, NM
    info = NM.VpnPluginInfo.new_search_file("roadvpn", None)
    conn = info.load_editor_plugin().import_(sys.argv[3])
    client = NM.Client.new(None)
    loop = GLib.MainLoop()
    done = []

    def added(c, result, _):
        done.append(c.add_connection_finish(result))
        loop.quit()

    client.add_connection_async(conn, True, None, added, None)
    loop.run()
    log("added %s" % done[0].get_id())


if __name__ == "__main__":
    {"editor": editor, "auth": auth, "importexport": importexport,
     "nmimport": nmimport}[sys.argv[1]]()
    log("PASS")
