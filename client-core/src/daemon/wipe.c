/* Secrets out of D-Bus messages (see wipe.h). */
#include <string.h>

#include "profile/profile.h"
#include "wipe.h"

#define TAKEN_KEY "rv-wipe-taken"
/* GDBus's read buffer is at least this big; a message this long covers it. */
#define READ_BUFFER_MIN 4096
/* More than any header roadvpnd receives (path, interface, member, names). */
#define HEADER_MAX 1024

/*
 * A string of a received message, wiped in place. GVariants are immutable by
 * contract, but this one is the parsed body of a message GDBus has handed to
 * us, and no one reads it after us: wiping it is the only way to end that
 * copy before the invocation ends.
 */
static void wipe_string(GVariant *v)
{
	gsize len;
	const char *s = g_variant_get_string(v, &len);

	explicit_bzero((char *)s, len);
}

void rv_wipe_strings(GVariant *v)
{
	GVariantIter it;
	GVariant *child;

	if (g_variant_is_of_type(v, G_VARIANT_TYPE_STRING)) {
		wipe_string(v);
		return;
	}
	if (!g_variant_is_container(v))
		return;
	g_variant_iter_init(&it, v);
	while ((child = g_variant_iter_next_value(&it))) {
		rv_wipe_strings(child);
		g_variant_unref(child);
	}
}

void rv_wipe_free_taken(struct rv_secret **taken)
{
	if (!taken)
		return;
	for (size_t i = 0; i < profile_n_secret_keys; i++)
		rv_secret_free(taken[i]);
	g_free(taken);
}

struct rv_secret **rv_wipe_take_secrets(GVariant *options)
{
	struct rv_secret **taken = g_new0(struct rv_secret *, profile_n_secret_keys);

	for (size_t i = 0; i < profile_n_secret_keys; i++) {
		/* The same storage as in `options` (a child, not a copy): wiping it wipes theirs. */
		g_autoptr(GVariant) v = g_variant_lookup_value(options, profile_secret_keys[i].name,
							       G_VARIANT_TYPE_STRING);

		if (!v)
			continue;
		taken[i] = rv_secret_new_str(g_variant_get_string(v, NULL));
		wipe_string(v);
	}
	return taken;
}

bool rv_wipe_take_options(GDBusMethodInvocation *inv, GVariant *options)
{
	struct rv_secret **taken = rv_wipe_take_secrets(options);
	bool any = false;

	for (size_t i = 0; i < profile_n_secret_keys; i++)
		any = any || taken[i];
	/* Freed (and so wiped) with the invocation, after the reply. */
	g_object_set_data_full(G_OBJECT(inv), TAKEN_KEY, taken,
			       (GDestroyNotify)rv_wipe_free_taken);
	return any;
}

const struct rv_secret *rv_wipe_taken(GDBusMethodInvocation *inv, size_t i)
{
	struct rv_secret **taken = g_object_get_data(G_OBJECT(inv), TAKEN_KEY);

	return taken && i < profile_n_secret_keys ? taken[i] : NULL;
}

/* Read buffer ------------------------------------------------------------ */

static struct {
	GDBusConnection *bus;
	gsize size;
	guint idle;
} pending;

/*
 * GDBus reads every incoming message into one buffer per connection and
 * reuses it, each message overwriting the one before from the start, so the
 * tail of a long message that carried a secret stays there until a longer
 * one arrives. We send ourselves one: a signal addressed to our own unique
 * name (nothing subscribes to it; the bus's default policy lets anyone
 * send and receive signals), all zeros, longer than that message.
 */
static gboolean overwrite_now(gpointer user_data)
{
	g_autofree guint8 *zeros = g_malloc0(pending.size);
	const char *self = g_dbus_connection_get_unique_name(pending.bus);

	if (self)
		g_dbus_connection_emit_signal(pending.bus, self, "/org/roadvpn/Helper1",
			"org.roadvpn.Helper1.Internal", "Overwrite",
			g_variant_new("(@ay)", g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, zeros,
									 pending.size, 1)),
			NULL);
	g_clear_object(&pending.bus);
	pending.size = 0;
	pending.idle = 0;
	return G_SOURCE_REMOVE;
}

void rv_wipe_read_buffer_later(GDBusMethodInvocation *inv)
{
	GVariant *body = g_dbus_message_get_body(g_dbus_method_invocation_get_message(inv));
	gsize size = (body ? g_variant_get_size(body) : 0) + HEADER_MAX;

	pending.size = MAX(pending.size, MAX(size, READ_BUFFER_MIN));
	if (!pending.bus)
		pending.bus = g_object_ref(g_dbus_method_invocation_get_connection(inv));
	if (!pending.idle)
		pending.idle = g_idle_add(overwrite_now, NULL);
}
