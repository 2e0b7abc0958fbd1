#pragma once
/*
 * Logging. Engine code logs at debug level only; session/ and daemon/ log
 * the one warning or error line a user reads. Never pass a secret to these
 * functions: secrets live in struct rv_secret, which has no printable form.
 * Debug output is enabled per component ("l2tp,ppp" or "all").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>

enum rv_log_level {
	RV_LOG_ERROR,
	RV_LOG_WARNING,
	RV_LOG_INFO,
	RV_LOG_DEBUG,
};

typedef void (*rv_log_sink_fn)(enum rv_log_level level, const char *component, const char *msg,
			       void *user_data);

void rv_log_set_sink(rv_log_sink_fn sink, void *user_data);
void rv_log_set_level(enum rv_log_level max_level);
/* Comma-separated component list for debug output; "all" enables every one. */
void rv_log_set_debug(const char *components);
bool rv_log_debug_enabled(const char *component);
/* "error", "warning", "info", "debug" */
const char *rv_log_level_name(enum rv_log_level level);

void rv_log(enum rv_log_level level, const char *component, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rv_logv(enum rv_log_level level, const char *component, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#define rv_log_error(comp, ...) rv_log(RV_LOG_ERROR, comp, __VA_ARGS__)
#define rv_log_warning(comp, ...) rv_log(RV_LOG_WARNING, comp, __VA_ARGS__)
#define rv_log_info(comp, ...) rv_log(RV_LOG_INFO, comp, __VA_ARGS__)
#define rv_log_debug(comp, ...)                                  \
	do {                                                     \
		if (rv_log_debug_enabled(comp))                  \
			rv_log(RV_LOG_DEBUG, comp, __VA_ARGS__); \
	} while (0)

/* Copy a peer-supplied string into `out` with non-printable bytes escaped. */
void rv_log_escape(char *out, size_t out_size, const void *in, size_t in_len);
