/* The fuzz targets' initiator and the scripted gateway; see gw-link.h. */
#include <string.h>

#include "gw-link.h"

static int gw_link_tx(void *user_data, const uint8_t *data, size_t len, bool natt)
{
	struct gw_link *l = user_data;

	if (len <= sizeof(l->last)) {
		memcpy(l->last, data, len);
		l->last_len = len;
		l->has_new = true;
	}
	return 0;
}

static void gw_link_event(void *user_data, enum ike_event ev, const struct ike_event_info *info)
{
	if (strnlen(info->message, sizeof(info->message)) >= sizeof(info->message))
		__builtin_trap();
}

const struct ike_ops gw_link_ops = { .tx = gw_link_tx, .event = gw_link_event };

bool gw_link_to_gw(struct gw_link *l, struct fake_gw *gw)
{
	if (!l->has_new)
		return false;
	l->has_new = false;
	fake_gw_rx(gw, l->last, l->last_len);
	return true;
}

void gw_link_to_client(struct fake_gw *gw, struct ike *ike, bool natt, usec_t now)
{
	for (size_t k = 0; k < gw->n_out; k++)
		ike_rx(ike, gw->out[k].data, gw->out[k].len, natt, now);
	gw->n_out = 0;
}
