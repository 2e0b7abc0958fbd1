/*
 * The likely fix for a failure, in plain words: what a person can check or
 * change, keyed by roadvpnd's reason id (and phase where the same reason
 * means different things). The cause itself is the library's reason text
 * and the helper's message; this adds the next step.
 */
#pragma once

/*
 * Never NULL: an unknown reason gets the generic advice (save the log).
 * `message` is roadvpnd's text for the failure (may be NULL); a few hints
 * need it, e.g. a gateway that only accepts legacy suites.
 */
const char *rg_hint_for_failure(const char *phase_id, const char *reason_id, const char *message);
