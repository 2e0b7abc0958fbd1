/*
 * Text for numbers a person reads at a glance, in the user's language: the
 * units are translated (po/: "ko" in French) and the decimal separator is
 * the locale's (printf follows LC_NUMERIC: "1,5 ko").
 */
#include <math.h>

#include <glib/gi18n-lib.h>

#include "rg-format.h"

char *rg_format_bytes(uint64_t bytes)
{
	double v = (double)bytes;
	size_t u = 0;
	g_autofree char *number = NULL;

	if (bytes < 1000)
		/* TRANSLATORS: a byte count below 1000, "512 B" */
		return g_strdup_printf(_("%u B"), (unsigned int)bytes);
	v /= 1000.0;
	while (v >= 999.5 && u < 4) {
		v /= 1000.0;
		u++;
	}
	/* One decimal while it carries information, none once the number is wide. */
	number = g_strdup_printf(v < 9.95 ? "%.1f" : "%.0f", v);
	/* TRANSLATORS: %s is a number with the locale's decimal separator, "1.5" */
	switch (u) {
	case 0:
		return g_strdup_printf(_("%s kB"), number);
	case 1:
		return g_strdup_printf(_("%s MB"), number);
	case 2:
		return g_strdup_printf(_("%s GB"), number);
	case 3:
		return g_strdup_printf(_("%s TB"), number);
	}
	return g_strdup_printf(_("%s PB"), number);
}

char *rg_format_rate(double bytes_per_second)
{
	g_autofree char *size = NULL;

	if (!(bytes_per_second > 0) || isinf(bytes_per_second))
		bytes_per_second = 0;
	if (bytes_per_second > 1e18)
		bytes_per_second = 1e18;
	size = rg_format_bytes((uint64_t)llround(bytes_per_second));
	/* TRANSLATORS: a rate; %s is a size, "1.5 kB" */
	return g_strdup_printf(_("%s/s"), size);
}

char *rg_format_duration(int64_t seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds < 60)
		/* TRANSLATORS: a duration in seconds, "45 s" */
		return g_strdup_printf(_("%d s"), (int)seconds);
	if (seconds < 3600)
		/* TRANSLATORS: minutes and seconds, "3 min 12 s" */
		return g_strdup_printf(_("%d min %02d s"), (int)(seconds / 60), (int)(seconds % 60));
	if (seconds < 86400)
		/* TRANSLATORS: hours and minutes, "2 h 05 min" */
		return g_strdup_printf(_("%d h %02d min"), (int)(seconds / 3600),
				       (int)(seconds % 3600 / 60));
	/* TRANSLATORS: days and hours, "3 d 04 h" */
	return g_strdup_printf(_("%lld d %02d h"), (long long)(seconds / 86400),
			       (int)(seconds % 86400 / 3600));
}

void rg_rates_reset(struct rg_rates *r)
{
	*r = (struct rg_rates){ 0 };
}

static void push(struct rg_rates *r, double in, double out)
{
	r->samples[r->head] = (struct rg_rate_sample){ .in = in, .out = out };
	r->head = (r->head + 1) % RG_RATE_WINDOW;
	if (r->count < RG_RATE_WINDOW)
		r->count++;
}

void rg_rates_add(struct rg_rates *r, uint64_t bytes_in, uint64_t bytes_out, int64_t now_usec)
{
	bool restart = r->last_usec == 0 || bytes_in < r->last_in || bytes_out < r->last_out;
	int64_t dt = now_usec - r->last_usec;

	if (restart && r->last_usec != 0)
		rg_rates_reset(r);
	if (!restart && dt > 0) {
		double secs = (double)dt / G_USEC_PER_SEC;

		push(r, (double)(bytes_in - r->last_in) / secs, (double)(bytes_out - r->last_out) / secs);
	}
	/* Two readings at the same instant add nothing; keep the first's time. */
	if (restart || dt > 0) {
		r->last_in = bytes_in;
		r->last_out = bytes_out;
		r->last_usec = now_usec;
	}
}

const struct rg_rate_sample *rg_rates_get(const struct rg_rates *r, unsigned int i)
{
	unsigned int oldest = (r->head + RG_RATE_WINDOW - r->count) % RG_RATE_WINDOW;

	g_return_val_if_fail(i < r->count, NULL);
	return &r->samples[(oldest + i) % RG_RATE_WINDOW];
}

const struct rg_rate_sample *rg_rates_latest(const struct rg_rates *r)
{
	return r->count ? rg_rates_get(r, r->count - 1) : NULL;
}

double rg_rates_peak(const struct rg_rates *r)
{
	double peak = 1;

	for (unsigned int i = 0; i < r->count; i++) {
		const struct rg_rate_sample *s = rg_rates_get(r, i);

		peak = MAX(peak, MAX(s->in, s->out));
	}
	return peak;
}
