/*
 * The diagnose report as the client library reads it from roadvpnd's reply
 * (rvc_diagnose_report_from_variant): any serialised a(sssa{ss}), however
 * malformed (GVariant checks untrusted data as it is read), gives a report
 * whose steps have as many values as keys, and its text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <roadvpn-client/roadvpn-client.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GBytes) bytes = g_bytes_new(data, size);
	g_autoptr(GVariant) v = g_variant_ref_sink(
		g_variant_new_from_bytes(G_VARIANT_TYPE("a(sssa{ss})"), bytes, FALSE));
	g_autoptr(RvcDiagnoseReport) r = rvc_diagnose_report_from_variant(v, NULL);
	g_autofree char *text = NULL;

	if (!r)
		abort();
	for (guint i = 0; i < r->steps->len; i++) {
		const RvcDiagnoseStep *s = r->steps->pdata[i];

		if (g_strv_length(s->keys) != g_strv_length(s->values))
			abort();
	}
	text = rvc_diagnose_report_to_text(r, "fuzz");
	if (!g_utf8_validate(text, -1, NULL))
		abort();
	return 0;
}
