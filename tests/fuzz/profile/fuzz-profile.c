/* Fuzz the profile loader: any bytes must give a profile or a clean error. */
#include <stdint.h>
#include <stddef.h>

#include "profile/profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autoptr(GError) error = NULL;
	struct profile *p = profile_load_data((const char *)data, size, &error);

	if (p) {
		g_auto(GStrv) missing = profile_missing_secrets(p);

		/* Every loaded profile names what it still needs, even if nothing. */
		if (!missing)
			__builtin_trap();
		profile_free(p);
	}
	return 0;
}
