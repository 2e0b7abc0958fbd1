#!/bin/bash
# Inside the test user's own session bus: unlock a fresh login keyring
# (gnome-keyring-daemon, secrets component), stand up a notification server
# that records what it is sent (python3-dbusmock), and run the driver.
set -euo pipefail
printf 'rg-test-login' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
/usr/bin/python3 -m dbusmock --session -t notification_daemon \
	-l "$HOME/notifications.log" >/dev/null 2>&1 &
mock=$!
for _ in $(seq 50); do
	gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
		--method org.freedesktop.DBus.NameHasOwner org.freedesktop.Notifications \
		2>/dev/null | grep -q true && break
	sleep 0.1
done
rc=0
"$@" || rc=$?
kill "$mock" 2>/dev/null || true
exit "$rc"
