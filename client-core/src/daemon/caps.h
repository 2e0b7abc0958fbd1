#pragma once
/*
 * roadvpnd runs as root but keeps only the capabilities a VPN client needs:
 * CAP_NET_ADMIN (TUN, addresses, routes), CAP_NET_RAW and
 * CAP_NET_BIND_SERVICE (UDP source port 1701/500/4500). Everything else,
 * CAP_DAC_OVERRIDE and CAP_SYS_ADMIN included, is dropped from the
 * effective, permitted, inheritable and bounding sets, so a compromised
 * helper cannot read other users' files or load modules. Files it must
 * write (/etc/roadvpn, /run/roadvpn, /etc/resolv.conf) are root's own.
 */

/* 0, or -errno when the kernel refused (then nothing is guaranteed). */
int rv_caps_drop(void);
