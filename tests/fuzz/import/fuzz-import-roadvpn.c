/* Fuzz the pass-through of roadvpn's own profiles (see fuzz-import.h). */
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_one(rvi_import_roadvpn, data, size);
}
