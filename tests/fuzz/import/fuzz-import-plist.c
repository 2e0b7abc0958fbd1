/*
 * Fuzz the .mobileconfig reader: XML and binary property lists and CMS
 * (see fuzz-import.h), through the bounds of plist-check.c into libplist.
 */
#include "fuzz-import.h"

static int plist_reader(const char *d, size_t len, const struct rv_import_options *o,
			struct rv_import_result *r, char **error)
{
	return rvi_import_mobileconfig((const unsigned char *)d, len, o, r, error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(plist_reader, data, size);
}
