#!/usr/bin/python3
"""roadvpn-gtk in one language, through AT-SPI (test-gui-i18n.sh).

    gui-i18n.py fr|zh_CN PROFILE

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
        # The secrets dialog and a failed connect (the gateway does not resolve).
        "failed_error": "Erreur", "failed_cause": "Cause", "failed_reason": "Motif",
        "failed_fix": "Solution probable",
        "secrets": ("Authentification requise", "Mémoriser dans le trousseau", "Se connecter"),
        "failed": ("Échec" + NB + ": Résolution du nom de la passerelle",
                   "Le nom de la passerelle n'a pas pu être résolu", "passerelle",
                   [("label", "Que faire"), ("push button", "Réessayer"),
                    ("heading", "Où la connexion s'est arrêtée")]),
        "editor": ("Modifier «" + NB + "{}" + NB + "»",
                   [("page tab", "Général"), ("text", "Passerelle"),
                    ("text", "Nom d'utilisateur"), ("push button", "Enregistrer"),
                    ("push button", "Annuler")]),
    },
    "zh_CN": {
        "main": [("push button", "连接(C)"), ("label", "未连接"),
                 ("radio button", "状态"), ("radio button", "日志"),
                 ("push button", "编辑配置文件")],
        "failed_error": "错误", "failed_cause": "原因", "failed_reason": "理由",
        "failed_fix": "可能的解决办法",
        "secrets": ("需要认证", "记住到密钥环(R)", "连接(O)"),
        "failed": ("正在解析网关时失败", "无法解析网关的名称", "网关",
                   [("label", "可以尝试"), ("push button", "重试(T)"), ("heading", "停止的位置")]),
        "editor": ("编辑“{}”", [("page tab", "常规"), ("text", "网关(G)"), ("text", "用户名(U)"),
                                   ("push button", "保存(S)"),
                                   ("push button", "取消(C)")]),
    },
}
ENGLISH = {"Connect", "Not connected", "Status", "Log", "Edit Profile", "Save", "Cancel",
           "General", "Edit “{}”", "Gateway", "User name", "Password", "Pre-shared key",
           "Authentication Required", "Remember in keyring", "What to try", "Try Again",
           "Where it stopped", "Resolving the gateway", "Diagnose…"}


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
    """Each (role, name) is showing under root (another, hidden one may
    share its name: the banner's Try Again), and no English name shows."""
    for role, name in wanted:
        wait_for("%s %r showing in the %s" % (role, name, where),
                 lambda: root.findChildren(lambda n: n.roleName == role and n.name == name
                                           and n.showing))
    english = names(root) & {e.format(PROFILE) for e in ENGLISH}
    if english:
        fail("English left in the %s: %s" % (where, sorted(english)))
    log("%s: %s" % (where, ", ".join(n for _, n in wanted)))


LANG, PROFILE = sys.argv[1:3]


def connect_and_fail(app, win, want):
    """Connect: the secrets dialog, then the failure view, both translated,
    and none of roadvpnd's English sentence in the view."""
    title, remember, connect = want["secrets"]
    find(win, "push button", want["main"][0][1]).click()
    dlg = wait_for("the secrets dialog", lambda: find(app, "dialog", title))
    box = wait_for("remember", lambda: find(dlg, "check box", remember))
    if box.checked:                 # no keyring in this session
        box.doActionNamed("click")
    for entry in dlg.findChildren(lambda n: n.roleName == "password text"):
        entry.text = "not-used"
    check(dlg, [("check box", remember), ("push button", connect)], "secrets dialog")
    shot("secrets", title)
    find(dlg, "push button", connect).doActionNamed("click")
    heading, cause, hint_word, wanted = want["failed"]
    err = wait_for("the error view", lambda: find(win, "label", want["failed_error"]))
    wait_for("the failure title %r (now %r)" % (heading, err.text), lambda: err.text == heading)
    got = find(win, "label", want["failed_cause"]).text
    if got != cause:
        fail("cause %r, want %r" % (got, cause))
    fix = find(win, "label", want["failed_fix"]).text
    if hint_word not in fix:
        fail("the likely fix %r does not name %r" % (fix, hint_word))
    reason = find(win, "label", want["failed_reason"])
    if reason is not None and reason.showing:
        fail("roadvpnd's English sentence is shown: %r" % reason.text)
    check(win, wanted, "error view")
    shot("failed", "^roadvpn$")


def main():
    want = WANT[LANG]
    proc = subprocess.Popen([os.environ["ROADVPN_GTK"]])
    app = wait_for("the app on the AT-SPI bus", lambda: tree.root.application("roadvpn-gtk"))
    win = wait_for("the main window", lambda: find(app, "frame", "roadvpn"))
    wait_for("the profile", lambda: find(win, "list item", PROFILE))
    check(win, want["main"], "main window")
    shot("main", "^roadvpn$")
    connect_and_fail(app, win, want)
    find(win, "push button", want["main"][-1][1]).click()
    title, wanted = want["editor"]
    title = title.format(PROFILE)
    editor = wait_for("the editor", lambda: find(app, "dialog", title))
    check(editor, wanted, "editor")
    shot("editor", title)
    # Ended with the editor open: GTK 3's notebook accessible asserts
    # (gtk_notebook_get_tab_label) when a notebook goes while AT-SPI watches,
    # in any language; that is not what this test is about.
    proc.terminate()
    proc.wait(timeout=20)


main()
