/* Logging sink, level and per-component debug filter; see log.h. */
#include <stdio.h>
#include <string.h>

#include "log.h"

static rv_log_sink_fn log_sink;
static void *log_sink_data;
static enum rv_log_level log_max_level = RV_LOG_INFO;
static char log_debug_components[256];

void rv_log_set_sink(rv_log_sink_fn sink, void *user_data)
{
	log_sink = sink;
	log_sink_data = user_data;
}

void rv_log_set_level(enum rv_log_level max_level)
{
	log_max_level = max_level;
}

void rv_log_set_debug(const char *components)
{
	snprintf(log_debug_components, sizeof(log_debug_components), "%s",
		 components ? components : "");
	if (components && *components)
		log_max_level = RV_LOG_DEBUG;
}

bool rv_log_debug_enabled(const char *component)
{
	size_t n = strlen(component);
	const char *p = log_debug_components;

	if (log_max_level < RV_LOG_DEBUG)
		return false;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if ((len == 3 && !strncmp(p, "all", 3)) || (len == n && !strncmp(p, component, n)))
			return true;

		if (!comma)
			break;
		p = comma + 1;
	}

	return false;
}

const char *rv_log_level_name(enum rv_log_level level)
{
	switch (level) {
	case RV_LOG_ERROR:
		return "error";
	case RV_LOG_WARNING:
		return "warning";
	case RV_LOG_INFO:
		return "info";
	case RV_LOG_DEBUG:
		return "debug";
	}

	return "?";
}

void rv_logv(enum rv_log_level level, const char *component, const char *fmt, va_list ap)
{
	char msg[1024];

	if (level > log_max_level)
		return;

	vsnprintf(msg, sizeof(msg), fmt, ap);

	if (log_sink) {
		log_sink(level, component, msg, log_sink_data);
		return;
	}

	fprintf(stderr, "roadvpn %s: %s: %s\n", rv_log_level_name(level), component, msg);
}

void rv_log(enum rv_log_level level, const char *component, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rv_logv(level, component, fmt, ap);
	va_end(ap);
}

void rv_log_escape(char *out, size_t out_size, const void *in, size_t in_len)
{
	const unsigned char *s = in;
	size_t o = 0;

	if (!out_size)
		return;

	for (size_t i = 0; i < in_len; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= out_size)
				break;
			out[o++] = (char)c;
			continue;
		}

		if (o + 4 >= out_size)
			break;
		o += (size_t)snprintf(out + o, out_size - o, "\\x%02x", c);
	}

	out[o] = '\0';
}
