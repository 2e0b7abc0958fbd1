#pragma once
/*
 * The fuzz targets' initiator talking to the unit tests' scripted gateway
 * (fake-gw.c) to reach the states after its first messages. Only the
 * client's last message is kept: each step of the exchange answers one.
 * Events are not kept, only checked: a message must be a terminated string.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fake-gw.h"
#include "ike/ike-internal.h"

struct gw_link {
	uint8_t last[IKE_MSG_MAX];
	size_t last_len;
	bool has_new;    /* last is not yet given to the gateway */
};

/* The initiator's callbacks; their user_data is the struct gw_link. */
extern const struct ike_ops gw_link_ops;

/* The client's new message to the gateway; false when there is none. */
bool gw_link_to_gw(struct gw_link *l, struct fake_gw *gw);
/* The gateway's answers to the client. */
void gw_link_to_client(struct fake_gw *gw, struct ike *ike, bool natt, usec_t now);
