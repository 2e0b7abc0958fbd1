/*
 * zero-on-free.c for AddressSanitizer builds: ASan owns malloc and free and
 * keeps freed blocks in quarantine, untouched, so it fills them itself.
 * ASAN_OPTIONS set by a test or a user still take precedence, flag by flag.
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "max_free_fill_size=2147483647:free_fill_byte=0";
}
