#!/usr/bin/python3
"""Stand in for logind on a private system bus: own org.freedesktop.login1 and
send PrepareForSleep(true) then PrepareForSleep(false), as logind does around
a suspend. The bus is the one DBUS_SYSTEM_BUS_ADDRESS names."""
import sys

from gi.repository import Gio, GLib

PATH = "/org/freedesktop/login1"
IFACE = "org.freedesktop.login1.Manager"


def main():
    bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
    reply = bus.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "RequestName",
                          GLib.Variant("(su)", ("org.freedesktop.login1", 4)),
                          GLib.VariantType("(u)"), Gio.DBusCallFlags.NONE, 5000, None)
    if reply.unpack()[0] != 1:
        sys.exit("cannot own org.freedesktop.login1")
    for sleeping in (True, False):
        bus.emit_signal(None, PATH, IFACE, "PrepareForSleep", GLib.Variant("(b)", (sleeping,)))
    bus.flush_sync(None)


if __name__ == "__main__":
    main()
