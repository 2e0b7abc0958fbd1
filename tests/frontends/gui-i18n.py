#!/usr/bin/python3
"""roadvpn-gtk in one language, through AT-SPI (test-gui-i18n.sh).

    gui-i18n.py fr|zh_CN

Starts the app (LANG and the catalogues come from the caller), checks that
the main window shows the profile with translated labels and none of the
English ones, opens the editor and checks it too; a screenshot of each
goes to $RG_SHOTS. The app's stderr is the caller's to check for GTK
warnings.
"""
import os
import subprocess
import sys

from dogtail.config import config

config.checkForA11y = False
config.logDebugToFile = False
config.logDebugToStdOut = False
config.searchCutoffCount = 10
config.defaultDelay = 0.2
from dogtail import tree  # noqa: E402  (config first)

import rg_atspi  # noqa: E402
from rg_atspi import find, screenshot  # noqa: E402

NB = "\u00a0"
# What each language must show (role, name), and English it must not.
WANT = {
    "fr": {
        "main": [("push button", "Se connecter"), ("label", "Non connecté"),
                 ("radio button", "État"), ("radio button", "Journal"),
                 ("push button", "Modifier le profil")],
        "editor": ("Modifier «" + NB + "office" + NB + "»",
                   [("page tab", "Général"), ("text", "Passerelle"),
                    ("text", "Nom d'utilisateur"), ("push button", "Enregistrer"),
                    ("push button", "Annuler")]),
    },
    "zh_CN": {
        "main": [("push button", "连接(C)"), ("label", "未连接"),
                 ("radio button", "状态"), ("radio button", "日志"),
                 ("push button", "编辑配置文件")],
        "editor": ("编辑“office”", [("page tab", "常规"), ("text", "网关(G)"), ("text", "用户名(U)"),
                                   ("push button", "保存(S)"),
                                   ("push button", "取消(C)")]),
    },
}
ENGLISH = {"Connect", "Not connected", "Status", "Log", "Edit Profile", "Save", "Cancel",
           "General", "Edit “office”", "Gateway", "User name", "Password", "Pre-shared key"}


def log(msg):
    print("gui-i18n: " + msg, flush=True)


def fail(msg):
    log("FAIL: " + msg)
    shot("failure", None)
    sys.exit(1)


def shot(name, window):
    path = os.path.join(os.environ["RG_SHOTS"], "%s-%s.png" % (LANG, name))
    screenshot(path, window)
    log("screenshot " + path)


def wait_for(what, pred, timeout=40):
    return rg_atspi.wait_for(what, pred, fail, timeout)


def names(root):
    """Every showing node's name under root."""
    return {n.name for n in root.findChildren(lambda n: n.showing and n.name)}


def check(root, wanted, where):
    for role, name in wanted:
        node = wait_for("%s %r in the %s" % (role, name, where),
                        lambda: find(root, role, name))
        if not node.showing:
            fail("%s %r in the %s is not showing" % (role, name, where))
    english = names(root) & ENGLISH
    if english:
        fail("English left in the %s: %s" % (where, sorted(english)))
    log("%s: %s" % (where, ", ".join(n for _, n in wanted)))


LANG = sys.argv[1]


def main():
    want = WANT[LANG]
    proc = subprocess.Popen([os.environ["ROADVPN_GTK"]])
    app = wait_for("the app on the AT-SPI bus", lambda: tree.root.application("roadvpn-gtk"))
    win = wait_for("the main window", lambda: find(app, "frame", "roadvpn"))
    wait_for("the profile", lambda: find(win, "list item", "office"))
    check(win, want["main"], "main window")
    shot("main", "^roadvpn$")
    find(win, "push button", want["main"][-1][1]).click()
    title, wanted = want["editor"]
    editor = wait_for("the editor", lambda: find(app, "dialog", title))
    check(editor, wanted, "editor")
    shot("editor", title)
    # Ended with the editor open: GTK 3's notebook accessible asserts
    # (gtk_notebook_get_tab_label) when a notebook goes while AT-SPI watches,
    # in any language; that is not what this test is about.
    proc.terminate()
    proc.wait(timeout=20)


main()
