#pragma once
/*
 * Secrets out of D-Bus messages as soon as they arrive. A method call's
 * arguments are GVariants that live as long as the invocation (through the
 * polkit check, which may wait minutes for an agent), and GDBus keeps the
 * raw bytes of the last message in its read buffer. Here the secrets move
 * into struct rv_secret at once, the strings in the message are wiped in
 * place, and GDBus's read buffer is overwritten. (Freed heap blocks are
 * wiped by zero-on-free.c.)
 */
#include <gio/gio.h>
#include <stdbool.h>

#include "util/secret.h"

/*
 * Take every profile_secret_keys[] option ("password", "psk", ...) of a
 * Connect call's a{sv} into secrets held by the invocation, and wipe them
 * in the message. True when there was one.
 */
bool rv_wipe_take_options(GDBusMethodInvocation *inv, GVariant *options);
/*
 * The same without an invocation: profile_n_secret_keys entries, NULL where
 * `options` has none; free with rv_wipe_free_taken().
 */
struct rv_secret **rv_wipe_take_secrets(GVariant *options);
void rv_wipe_free_taken(struct rv_secret **taken);
/* The secret taken for profile_secret_keys[i], or NULL. */
const struct rv_secret *rv_wipe_taken(GDBusMethodInvocation *inv, size_t i);

/* Wipe every string inside `v` (a received argument nobody reads after us). */
void rv_wipe_strings(GVariant *v);

/*
 * Overwrite GDBus's read buffer, which still holds the raw bytes of the
 * invocation's message, soon (once per main-loop turn, however many ask).
 */
void rv_wipe_read_buffer_later(GDBusMethodInvocation *inv);
