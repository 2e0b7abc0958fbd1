#!/usr/bin/python3
# A flood of Connect calls at roadvpnd: CONNS bus connections, PER calls each
# in flight at once (under dbus-daemon's 128 pending replies per connection,
# so that every call reaches roadvpnd). Touches MARKER once every call is
# written, waits for every answer and prints one "COUNT NAME" line per
# outcome ("ok" or the D-Bus error name), "unanswered" for calls lost.
#   flood.py CONNS PER PROFILE MARKER
import os
import sys

from gi.repository import Gio, GLib

conns_n, per, profile, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
address = os.environ["DBUS_SYSTEM_BUS_ADDRESS"]
loop = GLib.MainLoop()
results = {}
left = [conns_n * per]


def done(conn, res, _data):
    try:
        conn.call_finish(res)
        key = "ok"
    except GLib.Error as e:
        key = Gio.DBusError.get_remote_error(e) or e.message
    results[key] = results.get(key, 0) + 1
    left[0] -= 1
    if left[0] == 0:
        loop.quit()


flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
         Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
conns = [Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
         for _ in range(conns_n)]
for c in conns:
    for _ in range(per):
        c.call("org.roadvpn.Helper1", "/org/roadvpn/Helper1", "org.roadvpn.Helper1.Manager",
               "Connect", GLib.Variant("(sa{sv})", (profile, {})), GLib.VariantType("(o)"),
               Gio.DBusCallFlags.NONE, 100000, None, done, None)
for c in conns:
    c.flush_sync(None)
open(marker, "w").close()
GLib.timeout_add_seconds(100, loop.quit)
loop.run()
if left[0]:
    results["unanswered"] = left[0]
for name, count in sorted(results.items()):
    print(count, name)
