#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# `roadvpn import` and `roadvpn export --format` against roadvpnd on the
# private bus: each format becomes a system profile whose secrets land in
# the helper's store (root, 0600) and nowhere else, the report says what was
# taken and left out, a file that cannot be mapped adds nothing, --from-nm
# takes only NetworkManager-l2tp connections, and every export format reads
# back (docs/import.md).
set -euo pipefail
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

ft_require
ft_enter "$@"
ft_start_bus
ft_start_polkit
ft_start_roadvpnd ""

O=$FT_STATE/out
C=$FT_STATE/connections
SEEDS=$FT_SRC/tests/fuzz/corpus

ft_info "a NetworkManager-l2tp keyfile: report on stderr, secrets to the store only"
ft_expect 0 "$O" "$ROADVPN" import "$SEEDS/fuzz-import-nm/keyfile"
ft_grep '^added Office-L2TP$' "$O"
ft_grep 'left out require-mppe: MPPE: not supported by roadvpn; the tunnel is protected by IPsec' "$O"
! grep -q -e rvt-psk -e alice-secret "$O" || ft_fail "a secret in the import output"
[ "$(stat -c %a "$C/Office-L2TP.conf")" = 600 ] || ft_fail "the imported profile is not 0600"
grep -q '^psk=rvt-psk$' "$C/Office-L2TP.conf" || ft_fail "the PSK did not reach the store"
grep -q '^password=alice-secret$' "$C/Office-L2TP.conf" || ft_fail "the password did not reach the store"
ft_expect 0 "$O" "$ROADVPN" export Office-L2TP
! grep -q rvt-psk "$O" || ft_fail "export printed the PSK"

ft_info "a .pbk lacks the user name: nothing added without --user"
ft_expect 2 "$O" "$ROADVPN" import "$SEEDS/fuzz-import-pbk/rasphone.pbk"
ft_grep 'ppp.user is not in the file' "$O"
[ ! -e "$C/Office-VPN.conf" ] || ft_fail "a profile without a user reached the disk"
ft_expect 0 "$O" "$ROADVPN" import --user bob "$SEEDS/fuzz-import-pbk/rasphone.pbk"
ft_grep 'skipped: \[Other IKEv2\] VpnStrategy: 7 \(IKEv2 only\) is not L2TP' "$O"
grep -q '^user=bob$' "$C/Office-VPN.conf" || ft_fail "--user not in the .pbk profile"

ft_info "a signed .mobileconfig names its signer; an IKEv2 one adds nothing"
ft_expect 0 "$O" "$ROADVPN" import --name iphone "$SEEDS/fuzz-import-plist/l2tp-signed.mobileconfig"
ft_grep 'signed by /CN=Example IT Profiles' "$O"
grep -q '^psk=rvt-psk$' "$C/iphone.conf" || ft_fail "Apple's SharedSecret did not reach the store"
sed 's#<string>L2TP</string>#<string>IKEv2</string>#' "$SEEDS/fuzz-import-plist/l2tp.mobileconfig" \
	>"$FT_STATE/ikev2.mobileconfig"
ft_expect 2 "$O" "$ROADVPN" import --name ikev2 "$FT_STATE/ikev2.mobileconfig"
ft_grep 'VPNType: "IKEv2" is not L2TP' "$O"
[ ! -e "$C/ikev2.conf" ] || ft_fail "an IKEv2 profile reached the disk"

ft_info "--from-nm takes the l2tp connections of a NetworkManager folder, nothing else"
mkdir -p "$FT_STATE/nm"
sed 's/^id=Office L2TP$/id=from-nm/' "$SEEDS/fuzz-import-nm/keyfile" >"$FT_STATE/nm/a.nmconnection"
printf '[connection]\nid=wired\ntype=ethernet\n[ipv4]\nmethod=auto\n' >"$FT_STATE/nm/b.nmconnection"
ft_expect 0 "$O" "$ROADVPN" import --from-nm --nm-dir "$FT_STATE/nm"
ft_grep '^added from-nm$' "$O"
! grep -q wired "$O" || ft_fail "--from-nm took an ethernet connection"

ft_info "export --format: each format reads back; the notes say what is lost"
for f in nm-l2tp mobileconfig pbk; do
	ft_expect 0 "$O" "$ROADVPN" export Office-L2TP --format "$f" --output "$FT_STATE/out.$f"
	ft_expect 0 "$FT_STATE/dry.$f" "$ROADVPN" import --dry-run --user alice "$FT_STATE/out.$f"
	ft_grep '^gateway=vpn.example.com$' "$FT_STATE/dry.$f"
done
ft_grep 'left out psk: a .pbk cannot hold the pre-shared key' "$O"
echo 'a-psk' >"$FT_STATE/psk"
ft_expect 0 "$O" "$ROADVPN" export Office-L2TP --format mobileconfig --psk-file "$FT_STATE/psk" \
	--output "$FT_STATE/phone.mobileconfig"
[ "$(stat -c %a "$FT_STATE/phone.mobileconfig")" = 600 ] || ft_fail "an export with a PSK is not 0600"
ft_expect 2 "$O" "$ROADVPN" export Office-L2TP --format word

ft_check_sanitizer "$FT_STATE/roadvpnd.log"
ft_info PASS
