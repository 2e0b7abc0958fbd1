#!/usr/bin/python3
"""Drive roadvpn-gtk through AT-SPI (dogtail), as a person would.

Runs as the unprivileged test user inside its own session bus with an
unlocked gnome-keyring (gui-session.sh). Root-only checks (ping inside the
client namespace, its links) go through the request files of test-gui.sh.
"""
import os
import subprocess
import sys
import time

from dogtail.config import config

config.checkForA11y = False
config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchCutoffCount = 10
config.defaultDelay = 0.2
from dogtail import tree  # noqa: E402  (config first)

import rg_atspi  # noqa: E402
from rg_atspi import find, screenshot  # noqa: E402

ENV = os.environ
SHOTS = ENV["RG_SHOTS"]
PROFILE = "office"


def log(msg):
    print("gui-test: " + msg, flush=True)


APP = None


def fail(msg):
    log("FAIL: " + msg)
    if APP is not None and APP.proc.poll() is not None:
        log("the app is gone, exit status %s" % APP.proc.poll())
    shot("failure")
    sys.exit(1)


def shot(name, window="^roadvpn$"):
    """Screenshot of one window (by title), or of the screen."""
    path = os.path.join(SHOTS, name + ".png")
    screenshot(path, window)
    log("screenshot " + path)


def rpc(kind):
    """Ask the root side of the test for something; returns (rc, output)."""
    name = "%s-%d" % (kind, time.monotonic_ns())
    base = os.path.join(ENV["RG_RPC"], name)
    open(base + ".req", "w").close()
    for _ in range(200):
        if os.path.exists(base + ".rc"):
            return int(open(base + ".rc").read()), open(base + ".out").read()
        time.sleep(0.1)
    fail("no answer to " + kind)


def wait_for(what, pred, timeout=40):
    return rg_atspi.wait_for(what, pred, fail, timeout)


def showing(node):
    return node is not None and node.showing


class App:
    def __init__(self):
        self.proc = subprocess.Popen([ENV["ROADVPN_GTK"]])
        self.app = wait_for("the app on the AT-SPI bus",
                            lambda: tree.root.application("roadvpn-gtk"))
        self.win = wait_for("the main window",
                            lambda: find(self.app, "frame", name="roadvpn"))
        subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", "^roadvpn$"],
                       capture_output=True, timeout=20)

    def row_status(self, profile):
        """The row's second line ("Connected · ..."), "" while the tree is changing."""
        try:
            row = find(self.win, "list item", name=profile)
            labels = row.findChildren(lambda n: n.roleName == "label", recursive=True)
            return labels[1].name if len(labels) > 1 else ""
        except Exception:
            return ""

    def switch(self, profile):
        return find(self.win, "toggle button", name="Connect " + profile)

    def dialog(self, title):
        return find(self.app, "dialog", name=title)

    def wait_status(self, profile, prefix, timeout=40):
        return wait_for("%s: '%s...' (now '%s')" % (profile, prefix, self.row_status(profile)),
                        lambda: self.row_status(profile).startswith(prefix), timeout)

    def value(self, name):
        node = find(self.win, "label", name=name)
        return node.text if node else ""


def answer_secrets(app, password, remember, shot_name):
    dlg = wait_for("the secrets dialog", lambda: app.dialog("Authentication Required"))
    find(dlg, "password text", name="Password").text = password
    find(dlg, "password text", name="IPsec pre-shared key").text = ENV["RG_PSK"]
    box = find(dlg, "check box", name="Remember in keyring")
    if box.checked != remember:
        box.doActionNamed("click")
    shot(shot_name, "^Authentication Required$")
    find(dlg, "push button", name="Connect").doActionNamed("click")


def secret_tool(kind):
    r = subprocess.run(["secret-tool", "lookup", "profile", PROFILE, "kind", kind],
                       capture_output=True, text=True)
    return r.returncode, r.stdout


def connect_first_time(app):
    log("connect with the secrets dialog and Remember on")
    app.switch(PROFILE).doActionNamed("toggle")
    answer_secrets(app, ENV["RG_PASSWORD"], True, "secrets-dialog")
    wait_for("a phase under way", lambda: app.row_status(PROFILE).startswith("Connecting"), 20)
    shot("progress-view")
    app.wait_status(PROFILE, "Connected")
    address = app.value("Address")
    if not address.startswith(ENV["RG_POOL_PREFIX"]):
        fail("connected view shows address '%s'" % address)
    if app.value("Authentication") != "MS-CHAPv2":
        fail("connected view shows auth '%s'" % app.value("Authentication"))
    log("connected, address " + address)
    rc, out = rpc("ping")
    if rc != 0:
        fail("ping through the tunnel failed:\n" + out)
    time.sleep(2.5)  # a statistics refresh or two for the graph
    shot("main-connected")
    find(app.win, "radio button", name="Log").doActionNamed("click")
    log_text = wait_for("the log", lambda: find(app.win, "text", name="Connection log"))
    wait_for("the log's lines", lambda: "connected: rvpn" in log_text.text, 10)
    shot("log-view")
    find(app.win, "radio button", name="Status").doActionNamed("click")


def disconnect(app):
    app.switch(PROFILE).doActionNamed("toggle")
    app.wait_status(PROFILE, "Not connected", 30)
    # "Not connected" comes once roadvpnd reports disconnected, after it closed
    # the TUN: the device is gone by then (the poll only covers the request's
    # round trip; a device that stays is a failure, not something to wait out).
    wait_for("the tunnel device to go after 'Not connected'",
             lambda: "rvpn" not in rpc("links")[1], 5)
    time.sleep(float(ENV.get("RG_GAP", "3")))  # SoftEther wants sessions apart


def connect_from_keyring(app):
    log("connect again: the keyring answers, no dialog")
    for kind, want in (("password", ENV["RG_PASSWORD"]), ("psk", ENV["RG_PSK"])):
        rc, out = secret_tool(kind)
        if rc != 0 or out != want:
            fail("secret-tool finds no %s item for %s" % (kind, PROFILE))
    app.switch(PROFILE).doActionNamed("toggle")
    end = time.monotonic() + 40
    while not app.row_status(PROFILE).startswith("Connected"):
        if showing(app.dialog("Authentication Required")):
            fail("the secrets dialog came up although the keyring has the secrets")
        if time.monotonic() > end:
            fail("not connected from the keyring")
        time.sleep(0.2)
    log("connected from the keyring")
    log("close the window while connected: the app stays; a launch brings it back")
    # The window's close action, as the close button or Ctrl+W would run it
    # (GtkApplication exports window actions on the session bus).
    subprocess.run(["gdbus", "call", "--session", "--dest", "org.roadvpn.Gtk",
                    "--object-path", "/org/roadvpn/Gtk/window/1",
                    "--method", "org.gtk.Actions.Activate", "close", "[]", "{}"],
                   check=True, capture_output=True)
    wait_for("the window to hide", lambda: not app.win.showing, 10)
    time.sleep(1)
    if app.proc.poll() is not None:
        fail("the app quit with a connection up")
    if subprocess.run([ENV["ROADVPN_GTK"]], timeout=30).returncode != 0:
        fail("the second launch failed")
    wait_for("the window to come back", lambda: app.win.showing, 10)
    if not app.row_status(PROFILE).startswith("Connected"):
        fail("after coming back the row says '%s'" % app.row_status(PROFILE))


def forget(app):
    log("forget the saved passwords")
    find(app.win, "toggle button", name="Profile Menu").doActionNamed("click")
    item = wait_for("the Forget item",
                    lambda: find(app.app, "push button", name="Forget Saved Passwords"))
    item.doActionNamed("click")
    wait_for("the keyring items to go",
             lambda: secret_tool("password")[0] != 0 and secret_tool("psk")[0] != 0, 10)


def wrong_password(app):
    log("wrong password: the PPP phase and reason, nothing left behind")
    _, before = rpc("links")
    app.switch(PROFILE).doActionNamed("toggle")
    answer_secrets(app, "not-" + ENV["RG_PASSWORD"], False, "secrets-dialog-wrong")
    app.wait_status(PROFILE, "Failed", 60)
    if app.row_status(PROFILE) != "Failed: PPP auth":
        fail("row says '%s'" % app.row_status(PROFILE))
    err = find(app.win, "label", name="Error")
    cause = find(app.win, "label", name="Cause")
    reason = find(app.win, "label", name="Reason")
    if "PPP auth" not in err.text or "password" not in cause.text or "PPP" not in reason.text:
        fail("error view: '%s' / '%s' / '%s'" % (err.text, cause.text, reason.text))
    log("error view: %s / %s / %s" % (err.text, cause.text, reason.text))
    shot("error-view")
    if secret_tool("password")[0] == 0:
        fail("a password not to remember is in the keyring")
    _, after = rpc("links")
    if sorted(before.split("\n")) != sorted(after.split("\n")):
        fail("links differ after the failure:\n%s\n---\n%s" % (before, after))


def clipboard_text():
    """The CLIPBOARD selection's text, read as another X client would."""
    import gi
    gi.require_version("Gtk", "3.0")
    from gi.repository import Gdk, Gtk
    return Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text() or ""


def diagnose(app):
    log("diagnose from the error view: the failing step named, the report copied, no secret")
    find(app.win, "push button", name="Diagnose…").doActionNamed("click")
    dlg = wait_for("the diagnose dialog", lambda: app.dialog("Diagnose “%s”" % PROFILE))
    # Nothing remembered: the secrets are asked (the same wrong password).
    answer_secrets(app, "not-" + ENV["RG_PASSWORD"], False, "secrets-dialog-diagnose")
    verdict = find(dlg, "label", name="Verdict")
    wait_for("the verdict", lambda: verdict.text.startswith("PPP authentication failed"), 90)
    report = find(dlg, "text", name="Report").text
    for want in ("Diagnosis of " + PROFILE, "FAILED   PPP authentication",
                 "ok       IKE authentication", "Likely cause: The user name or password"):
        if want not in report:
            fail("no '%s' in the report:\n%s" % (want, report))
    shot("diagnose", "^Diagnose ")
    find(dlg, "push button", name="Copy Report").doActionNamed("click")
    copied = wait_for("the report on the clipboard",
                      lambda: clipboard_text() if clipboard_text().startswith("Diagnosis of ")
                      else None, 10)
    for secret in (ENV["RG_PASSWORD"], ENV["RG_PSK"]):
        if secret in copied or secret in report:
            fail("a secret is in the report")
    find(dlg, "push button", name="Close").doActionNamed("click")
    wait_for("the dialog to close", lambda: not showing(app.dialog("Diagnose “%s”" % PROFILE)), 10)
    log("diagnose: %s" % verdict.text)


def create_profile(app):
    log("create a profile in the editor")
    find(app.win, "push button", name="Add Profile").doActionNamed("click")
    dlg = wait_for("the editor", lambda: app.dialog("New VPN Profile"))
    save = find(dlg, "push button", name="Save")
    if save.sensitive:
        fail("Save is enabled on an empty form")
    find(dlg, "text", name="Name").text = "gui-made"
    find(dlg, "text", name="Gateway").text = "not a host"
    find(dlg, "text", name="User name").text = "bob"
    problem = find(dlg, "label", name="Problem")
    wait_for("the gateway error", lambda: "Gateway" in problem.text, 5)
    if save.sensitive:
        fail("Save is enabled with a bad gateway")
    shot("editor-invalid", "^New VPN Profile$")
    find(dlg, "text", name="Gateway").text = ENV["RG_GATEWAY"]
    wait_for("Save to be enabled", lambda: save.sensitive, 5)
    save.doActionNamed("click")
    wait_for("the new profile in the list", lambda: find(app.win, "list item", name="gui-made"))
    r = subprocess.run([ENV["ROADVPN"], "list"], capture_output=True, text=True)
    if "gui-made" not in r.stdout:
        fail("roadvpn list does not show gui-made:\n" + r.stdout + r.stderr)
    log("gui-made is a system profile")


def new_options(dlg):
    """allow-legacy on the IPsec page; allow-lan only once the kill switch is on."""
    find(dlg, "page tab", name="IPsec").select()
    wait_for("the legacy option", lambda: showing(
        find(dlg, "toggle button", name="Allow legacy suites (weak)")), 5)
    shot("editor-ipsec", "^Edit “gui-made”$")
    find(dlg, "page tab", name="IP").select()
    lan = wait_for("the LAN option", lambda: find(dlg, "toggle button", name="Allow local network"), 5)
    if lan.sensitive:
        fail("Allow local network can be changed with the kill switch off")
    find(dlg, "toggle button",
         name="Block traffic outside the VPN (kill switch)").doActionNamed("toggle")
    wait_for("Allow local network to become changeable", lambda: lan.sensitive, 5)
    lan.doActionNamed("toggle")
    shot("editor-ip", "^Edit “gui-made”$")


def edit_profile(app):
    log("edit gui-made: split tunnel and a smaller MTU, through UpdateProfile")
    row = wait_for("the gui-made row", lambda: find(app.win, "list item", name="gui-made"))
    row.select()
    wait_for("gui-made selected", lambda: find(app.win, "label", name="Profile").text == "gui-made", 10)
    find(app.win, "push button", name="Edit Profile").doActionNamed("click")
    dlg = wait_for("the editor", lambda: app.dialog("Edit “gui-made”"))
    find(dlg, "toggle button", name="Send all traffic through the VPN").doActionNamed("toggle")
    nets = wait_for("the networks field", lambda: find(dlg, "text", name="Networks"), 5)
    save = find(dlg, "push button", name="Save")
    nets.text = "10.1.0.0/99"
    wait_for("the bad network to be refused", lambda: not save.sensitive, 5)
    nets.text = "10.1.0.0/16"
    find(dlg, "spin button", name="MTU").value = 1300
    new_options(dlg)
    wait_for("Save to be enabled", lambda: save.sensitive, 5)
    save.doActionNamed("click")
    wait_for("the editor to close", lambda: not showing(app.dialog("Edit “gui-made”")), 20)
    r = subprocess.run([ENV["ROADVPN"], "export", "gui-made"], capture_output=True, text=True)
    for line in ("default-route=false", "routes=10.1.0.0/16", "mtu=1300", "kill-switch=true",
                 "allow-lan=true"):
        if line not in r.stdout:
            fail("after the edit, no '%s' in:\n%s%s" % (line, r.stdout, r.stderr))
    log("gui-made edited")


def choose(dlg, combo_name, item_name):
    """Through the combo's AT-SPI selection: clicking an item of a menu that is
    not popped up upsets GTK (Gdk-CRITICAL) and can leave the dialog stuck."""
    combo = find(dlg, "combo box", name=combo_name)
    names = [n.name for n in combo.findChildren(lambda n: n.roleName == "menu item",
                                                 showingOnly=False)]
    if item_name not in names:
        fail("no '%s' in the %s combo (%s)" % (item_name, combo_name, names))
    combo.querySelection().selectChild(names.index(item_name))


def key_password_choice(app):
    """The key's password: offered only for certificates, kept as asked, never in the file."""
    log("gui-made with a certificate: the key password asked, then in the keyring only")
    cert, key = ENV["RG_CERT"], ENV["RG_KEY"]
    find(app.win, "push button", name="Edit Profile").doActionNamed("click")
    dlg = wait_for("the editor", lambda: app.dialog("Edit “gui-made”"))
    find(dlg, "page tab", name="IPsec").select()
    if showing(find(dlg, "password text", name="Key password")):
        fail("the key password is offered with a pre-shared key")
    choose(dlg, "Authentication", "Certificate")
    wait_for("the key password field", lambda: showing(
        find(dlg, "password text", name="Key password")), 5)
    keep = find(dlg, "combo box", name="How to keep: Key password")
    if not showing(keep):
        fail("the key password has no stored/ask choice")
    save = find(dlg, "push button", name="Save")
    problem = find(dlg, "label", name="Problem")
    # roadvpnd refuses a certificate profile without its CA, or a PEM certificate
    # without its key: the editor says so while the fields are empty.

    def refused_without(field):
        wait_for("Save off without the " + field, lambda: not save.sensitive, 5)
        wait_for("the problem to name the " + field,
                 lambda: "IPsec › %s: " % field in problem.text, 5)

    refused_without("CA certificate")
    find(dlg, "text", name="CA certificate").text = cert
    find(dlg, "text", name="Certificate").text = cert
    refused_without("Private key")
    find(dlg, "text", name="Private key").text = key
    # Stored and empty: a key without a password, which the form accepts.
    wait_for("Save with no key password stored", lambda: save.sensitive, 5)
    choose(dlg, "How to keep: Key password", "Ask when connecting")
    # Asked at connect time: nothing to type here.
    wait_for("the key password entry to be off", lambda: not find(
        dlg, "password text", name="Key password").sensitive, 5)
    shot("editor-key-password", "^Edit “gui-made”$")
    wait_for("Save to be enabled", lambda: save.sensitive, 5)
    save.doActionNamed("click")
    rg_atspi.wait_for("the editor to close", lambda: not showing(app.dialog("Edit “gui-made”")),
                      lambda what: fail("%s; it says '%s'" % (what, problem.text)), 20)
    r = subprocess.run([ENV["ROADVPN"], "export", "gui-made"], capture_output=True, text=True)
    if "auth=cert" not in r.stdout or "key-password-flags=ask" not in r.stdout:
        fail("the choice is not saved:\n%s%s" % (r.stdout, r.stderr))
    log("connect gui-made: roadvpnd asks for the key password; Remember keeps it in the keyring")
    app.switch("gui-made").doActionNamed("toggle")
    dlg = wait_for("the secrets dialog", lambda: app.dialog("Authentication Required"))
    find(dlg, "password text", name="Private key password").text = ENV["RG_KEY_PASSWORD"]
    find(dlg, "password text", name="Password").text = "bob-password"
    if not find(dlg, "check box", name="Remember in keyring").checked:
        find(dlg, "check box", name="Remember in keyring").doActionNamed("click")
    shot("secrets-dialog-key", "^Authentication Required$")
    find(dlg, "push button", name="Connect").doActionNamed("click")
    wait_for("the key password in the keyring", lambda: subprocess.run(
        ["secret-tool", "lookup", "profile", "gui-made", "kind", "key-password"],
        capture_output=True, text=True).stdout == ENV["RG_KEY_PASSWORD"], 10)
    if app.switch("gui-made").checked:
        app.switch("gui-made").doActionNamed("toggle")
    wait_for("gui-made to stop", lambda: app.row_status("gui-made").startswith(
        ("Not connected", "Failed")), 60)
    log("the key password is in the keyring (the file is checked by test-gui.sh)")


IMPORT = (
    'Add-VpnConnection -Name "Branch Office" -ServerAddress %s -TunnelType L2tp '
    '-L2tpPsk "branch-psk" -AuthenticationMethod MSChapv2 -SplitTunneling -Force\r\n'
    'Add-VpnConnectionRoute -ConnectionName "Branch Office" -DestinationPrefix 10.0.0.0/8\r\n')


def import_profile(app):
    log("import a helpdesk's PowerShell lines: a second launch hands the file over")
    path = os.path.join(ENV["HOME"], "branch.ps1")
    with open(path, "w") as f:
        f.write(IMPORT % ENV["RG_GATEWAY"])
    second = subprocess.run([ENV["ROADVPN_GTK"], path], timeout=30)
    if second.returncode != 0:
        fail("the second launch exited %d" % second.returncode)
    if app.proc.poll() is not None:
        fail("the first instance is gone")
    dlg = wait_for("the import in the editor", lambda: app.dialog("New VPN Profile"))
    name = find(dlg, "text", name="Name")
    note = find(dlg, "label", name="Note")
    if "PowerShell" not in note.text or "keyring" not in note.text:
        fail("import note: '%s'" % note.text)
    if find(dlg, "text", name="Gateway").text != ENV["RG_GATEWAY"]:
        fail("the gateway was not imported")
    save = find(dlg, "push button", name="Save")
    if save.sensitive:
        fail("Save is enabled without a user name")
    find(dlg, "text", name="User name").text = "carol"
    wait_for("Save to be enabled", lambda: save.sensitive, 5)
    shot("editor-import", "^New VPN Profile$")
    profile = name.text
    save.doActionNamed("click")
    wait_for("the imported profile in the list", lambda: find(app.win, "list item", name=profile))
    r = subprocess.run(["secret-tool", "lookup", "profile", profile, "kind", "psk"],
                       capture_output=True, text=True)
    if r.stdout != "branch-psk":
        fail("the imported PSK is not in the keyring for %s" % profile)
    log("imported as %s, its PSK in the keyring" % profile)


def helper_restart(app):
    log("roadvpnd goes away: the banner; it comes back: the list again")
    banner = find(app.win, "label", name="Helper status")
    if showing(banner):
        fail("the banner shows while roadvpnd runs")
    rc, out = rpc("stop-helper")
    if rc != 0:
        fail("could not stop roadvpnd: " + out)
    wait_for("the banner", lambda: showing(banner) and "not reachable" in banner.text, 20)
    shot("helper-gone")
    rc, out = rpc("start-helper")
    if rc != 0:
        fail("could not start roadvpnd: " + out)
    # The banner goes only once the profiles were listed again.
    wait_for("the banner to go", lambda: not showing(banner), 20)
    if not find(app.win, "list item", name="gui-made"):
        fail("the profiles are not listed after roadvpnd came back")
    log("reattached")


def check_notifications():
    """What the desktop was told (the recording notification server)."""
    path = os.path.join(ENV["HOME"], "notifications.log")
    sent = open(path).read() if os.path.exists(path) else ""
    for title in ("Connected to " + PROFILE, "Disconnected from " + PROFILE,
                  "Could not connect to " + PROFILE):
        if title not in sent:
            fail("no notification '%s'; the server got:\n%s" % (title, sent))
    log("notifications: connected, disconnected, could not connect")


def main():
    global APP
    app = APP = App()
    app.wait_status(PROFILE, "Not connected", 20)
    shot("main-idle")
    connect_first_time(app)
    disconnect(app)
    connect_from_keyring(app)
    disconnect(app)
    forget(app)
    wrong_password(app)
    diagnose(app)
    create_profile(app)
    edit_profile(app)
    key_password_choice(app)
    import_profile(app)
    helper_restart(app)
    check_notifications()
    app.proc.terminate()
    app.proc.wait(10)
    log("PASS")


if __name__ == "__main__":
    try:
        main()
    except Exception:  # a driver error is a failure with its trace, and a screenshot
        import traceback
        log("FAIL: driver error\n" + traceback.format_exc())
        shot("failure")
        sys.exit(1)
