#!/bin/bash
# shellcheck source-path=SCRIPTDIR
# The CLI in the user's language against a real roadvpnd (issue 20): under
# LANGUAGE=fr and LANGUAGE=zh_CN (this build's catalogues through
# ROADVPN_LOCALEDIR) a failed connect ends with the library's phase label and
# failure reason translated, `list` and `status` speak the language, and
# `--json` keeps its English keys, ids and roadvpnd's English message;
# roadvpnd's refusals (NotAuthorized, InvalidProfile) come translated, a
# profile problem as "<setting's label>: <problem>" from the tag roadvpnd
# puts before its sentence, with no English word left. The C locale stays
# English (the other front-end tests rely on it).
set -euo pipefail
# French puts a no-break space before ":" and inside « » (po/README.md).
NB=$'\xc2\xa0'
. "$(dirname "$0")/harness.sh"

ft_require
: "${ROADVPN_LOCALEDIR:?set by meson}"
ft_enter "$@"

trap ft_netns_cleanup EXIT
# A name in .invalid fails at once: nothing resolves in this namespace.
ft_netns rvft-i18n

ft_start_bus
ft_start_polkit
ft_start_roadvpnd "$FT_NS"
O=$FT_STATE/out
S=$FT_STATE/secret
printf 'correct horse\n' >"$S"
# LANGUAGE is ignored in the C locale (glibc): a UTF-8 locale under it.
in_lang() {
	local lang=$1
	shift
	env LC_ALL=C.UTF-8 LANGUAGE="$lang" "$@"
}

ft_expect 0 "$O" "$ROADVPN" add quick --gateway nowhere.invalid --user bob --ipsec false \
	--password-file "$S"

ft_info "a failed connect, in French"
ft_expect 3 "$O" in_lang fr "$ROADVPN" connect quick --wait
ft_grep "^Résolution du nom de la passerelle \.\.\. échec$" "$O"
ft_grep "^roadvpn: Résolution du nom de la passerelle${NB}: Le nom de la passerelle n'a pas pu être résolu$" "$O"

ft_info "the same in Simplified Chinese"
ft_expect 3 "$O" in_lang zh_CN "$ROADVPN" connect quick
ft_grep '^roadvpn: 正在解析网关：无法解析网关的名称$' "$O"

ft_info "and in English in the C locale"
ft_expect 3 "$O" env LC_ALL=C "$ROADVPN" connect quick
ft_grep "^roadvpn: Resolving the gateway: The gateway's name could not be resolved$" "$O"

ft_info "status and list speak the language; the ids stay"
ft_expect 0 "$O" in_lang fr "$ROADVPN" status quick
ft_grep "^  erreur${NB}:      Résolution du nom de la passerelle${NB}: Le nom de la passerelle n'a pas pu être résolu \(resolving, resolve-failed\)$" "$O"
ft_expect 0 "$O" in_lang zh_CN "$ROADVPN" list
ft_grep '^名称 +网关 +用户 +状态$' "$O"

ft_info "roadvpnd's refusals in the language (NotAuthorized, InvalidProfile), English in C"
ft_expect 10 "$O" ft_as rvtest-denied env LC_ALL=C.UTF-8 LANGUAGE=fr "$ROADVPN" delete quick
ft_grep "^roadvpn: Vous n'êtes pas autorisé à faire cela\.$" "$O"
ft_expect 10 "$O" ft_as rvtest-denied env LC_ALL=C.UTF-8 LANGUAGE=zh_CN "$ROADVPN" delete quick
ft_grep '^roadvpn: 您无权执行此操作。$' "$O"
ft_expect 10 "$O" ft_as rvtest-denied env LC_ALL=C "$ROADVPN" delete quick
if grep -Eq 'Vous|您' "$O"; then cat "$O" >&2; ft_fail "a refusal translated in the C locale"; fi

ft_info "roadvpnd's profile problems name the setting, all in the language (add, edit)"
# Words of roadvpnd's English sentences and of the old "it says: ..." fallback.
english='expected|unknown|setting|number|host|address|valid|roadvpnd|refused|says|got|from'
no_english() {
	if grep -Eiw "$english" "$O" || grep -q '{problem=' "$O"; then
		cat "$O" >&2
		ft_fail "English or roadvpnd's tag left under LANGUAGE=$1"
	fi
}
# translated LANG STATUS LINE ARGS...: roadvpn ARGS exits with STATUS and says LINE (ERE).
translated() {
	local lang=$1 status=$2 line=$3
	shift 3
	ft_expect "$status" "$O" in_lang "$lang" "$ROADVPN" "$@"
	ft_grep "^roadvpn: $line\$" "$O"
	no_english "$lang"
}
bad_gw=(add bad --gateway bad..name --user bob --ipsec false)
translated fr 2 "MTU${NB}: un nombre de 576 à 1500 est attendu" edit quick --set ppp.mtu=100
translated fr 2 "ppp\.colour${NB}: paramètre inconnu" edit quick --set ppp.colour=red
translated fr 2 "Passerelle${NB}: ni un nom d'hôte ni une adresse IPv4" "${bad_gw[@]}"
translated zh_CN 2 'MTU：应为 576 到 1500 之间的数字' edit quick --set ppp.mtu=100
translated zh_CN 2 'ppp\.colour：未知设置' edit quick --set ppp.colour=red
translated zh_CN 2 '网关：不是主机名或 IPv4 地址' "${bad_gw[@]}"
ft_info "roadvpnd's Failed in the language when it says why (Disconnect of a profile that is down)"
translated fr 1 "Ce profil n'est pas connecté\." disconnect quick
translated zh_CN 1 '此配置文件未连接。' disconnect quick
ft_info "list: a broken profile file says why in the language"
printf '[connection]\ngateway=vpn.example.com\n[ppp]\nuser=bob\nmtu=99999\n' \
	>"$FT_STATE/connections/broken.conf"
ft_expect 0 "$O" in_lang fr "$ROADVPN" list
ft_grep "^broken +\(non valide${NB}: MTU${NB}: un nombre de 576 à 1500 est attendu\)$" "$O"
ft_expect 0 "$O" env LC_ALL=C "$ROADVPN" list
ft_grep "^broken +\(invalid: \[ppp\] mtu: expected a number from 576 to 1500, got '99999'\)$" "$O"
rm "$FT_STATE/connections/broken.conf"
ft_expect 1 "$O" env LC_ALL=C "$ROADVPN" disconnect quick
ft_grep "^roadvpn: 'quick' is not connected$" "$O"
ft_info "and roadvpnd's English sentence, without the tag, in the C locale"
ft_expect 2 "$O" env LC_ALL=C "$ROADVPN" edit quick --set ppp.mtu=100
ft_grep "^roadvpn: \[ppp\] mtu: expected a number from 576 to 1500, got '100'$" "$O"
ft_expect 2 "$O" env LC_ALL=C "$ROADVPN" edit quick --set ppp.colour=red
ft_grep "^roadvpn: 'ppp\.colour': unknown key$" "$O"
if grep -q '{problem=' "$O"; then cat "$O" >&2; ft_fail "the tag shown in the C locale"; fi

ft_info "--json is not translated"
for lang in fr zh_CN; do
	ft_expect 0 "$O" in_lang "$lang" "$ROADVPN" status quick --json
	ft_grep '"last-error": \{"phase": "resolving", "reason": "resolve-failed", "message": "[A-Za-z]' "$O"
	ft_grep '"state": "failed"' "$O"
	if grep -Eq 'passerelle|网关|[^ -~]' "$O"; then
		cat "$O" >&2
		ft_fail "status --json translated under LANGUAGE=$lang"
	fi
	ft_expect 0 "$O" in_lang "$lang" "$ROADVPN" list --json
	ft_grep '"gateway": "nowhere.invalid"' "$O"
done
