"""What the roadvpn-gtk drivers (gui-test.py, gui-i18n.py) share: waiting
for the AT-SPI tree, finding a node by role and name, and a screenshot of
one window. dogtail's config is the caller's (set before importing tree)."""
import subprocess
import time


def wait_for(what, pred, fail, timeout=40):
    """pred() until it is true; fail("timed out waiting for " + what) else."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            got = pred()
        except Exception:  # the tree changes under us while we look
            got = None
        if got:
            return got
        time.sleep(0.2)
    return fail("timed out waiting for " + what)


def find(root, role, name=None, prefix=None):
    """The first node under root with this role and name (or name prefix)."""
    def match(n):
        if n.roleName != role:
            return False
        if name is not None:
            return n.name == name
        return prefix is None or n.name.startswith(prefix)
    return root.findChild(match, retry=False, requireResult=False)


def screenshot(path, window):
    """The window whose title matches (a regex), or the screen, into path."""
    # No pointer over a widget (a tooltip would cover it), and let GTK
    # draw what AT-SPI just changed.
    subprocess.run(["xdotool", "mousemove", "1279", "899"], check=False)
    time.sleep(0.6)
    wid = []
    if window:
        wid = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", window],
                             capture_output=True, text=True).stdout.split()
    subprocess.run(["import", "-window", wid[0] if wid else "root", path], check=False)
