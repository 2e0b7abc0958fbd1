#!/bin/bash
# run-with-keyring.sh CMD...: CMD on a session bus of its own, with a real
# gnome-keyring-daemon (secrets component, login keyring unlocked) in a
# temporary home, so libsecret calls reach a keyring and never the user's.
set -euo pipefail
for c in dbus-run-session gnome-keyring-daemon; do
	command -v "$c" >/dev/null || { echo "SKIP: missing $c" >&2; exit 77; }
done
home=$(mktemp -d /tmp/rg-keyring.XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -m 700 "$home/run"
export HOME=$home XDG_RUNTIME_DIR=$home/run XDG_DATA_HOME=$home/share \
	XDG_CONFIG_HOME=$home/config RG_TEST_KEYRING=1
unset DBUS_SESSION_BUS_ADDRESS
# The daemon lives as long as the session bus: dbus-run-session ends it.
# (No exec: the EXIT trap removes the temporary home afterwards.)
dbus-run-session -- bash -c '
	printf "rg-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
	exec "$@"' keyring-session "$@"
