/*
 * Capability dropping with prctl(PR_CAPBSET_DROP) and capset(2) directly:
 * three syscalls do not justify a libcap dependency. The bounding set goes
 * first, while CAP_SETPCAP is still effective.
 */
#include <errno.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <string.h>
#include <unistd.h>

#include "caps.h"
#include "util/log.h"

static const int keep[] = { CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE };

static int is_kept(int cap)
{
	for (unsigned int i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		if (keep[i] == cap)
			return 1;
	}
	return 0;
}

static int drop_bounding(void)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (is_kept(cap))
			continue;
		/* EINVAL: the kernel does not know this capability; the loop is done. */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return errno == EINVAL ? 0 : -errno;
	}
	return 0;
}

int rv_caps_drop(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	int r = drop_bounding();

	if (r < 0) {
		rv_log_warning("roadvpnd", "cannot drop capabilities from the bounding set: %s",
			       strerror(-r));
		return r;
	}

	for (unsigned int i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		data[keep[i] / 32].effective |= 1u << (keep[i] % 32);
		data[keep[i] / 32].permitted |= 1u << (keep[i] % 32);
	}
	if (syscall(SYS_capset, &hdr, data) < 0) {
		r = -errno;
		rv_log_warning("roadvpnd", "cannot drop capabilities: %s", strerror(-r));
		return r;
	}
	return 0;
}
