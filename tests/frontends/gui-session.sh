#!/bin/bash
# Inside the test user's own session bus: unlock a fresh login keyring
# (gnome-keyring-daemon, secrets component) and run the driver.
set -euo pipefail
printf 'rg-test-login' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
exec "$@"
