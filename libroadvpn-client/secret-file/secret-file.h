#pragma once
/*
 * The one reader of secret files (--password-file, --psk-file, ...), shared
 * by roadvpnd and libroadvpn-client so that a file means the same secret to
 * both. Plain C, no GLib: roadvpnd links it directly, front ends reach it
 * through rvc_secret_file_read() in <roadvpn-client/rvc-secrets.h>.
 *
 * The rule: the file's bytes are the secret, except that one line ending
 * at the very end is dropped: "\n", "\r\n" or a lone "\r" (so that
 * `echo secret >file` and Windows editors both work). Nothing else is
 * trimmed: leading and trailing spaces belong to the secret. Refused: an
 * empty secret, a secret longer than RV_SECRET_FILE_MAX bytes, a NUL byte,
 * and a line break inside the secret (a file of several lines is almost
 * certainly the wrong file, e.g. a PEM key).
 */
#include <stddef.h>
#include <sys/types.h>

#define RV_SECRET_FILE_MAX 4096

enum rv_secret_file_status {
	RV_SECRET_FILE_OK,
	RV_SECRET_FILE_EMPTY,
	RV_SECRET_FILE_TOO_LONG,
	RV_SECRET_FILE_NUL,
	RV_SECRET_FILE_MULTILINE,
};

/*
 * Apply the rule to `len` bytes of file content: the secret is
 * data[0 .. *secret_len). Never reads past `len`.
 */
enum rv_secret_file_status rv_secret_file_parse(const char *data, size_t len,
						size_t *secret_len);

/*
 * Read `path` (a regular file, a pipe or /dev/stdin) into `buf` (at least
 * RV_SECRET_FILE_BUF bytes), reading no more than that, and apply the rule:
 * on success buf holds the secret, NUL-terminated, and the return is 0.
 * Returns -errno when the file cannot be read, or a positive
 * enum rv_secret_file_status. The caller wipes `buf` (explicit_bzero) after
 * use; on failure it is wiped already.
 */
#define RV_SECRET_FILE_BUF (RV_SECRET_FILE_MAX + 3)
int rv_secret_file_read(const char *path, char *buf, size_t size);

/* "is empty", "is longer than 4096 bytes", ...: completes "FILE <text>". */
const char *rv_secret_file_status_text(enum rv_secret_file_status status);

/*
 * Read at most `size` bytes of `path` into `buf` (a pipe may deliver them
 * in pieces; EINTR is retried): the count, or -errno. A count of `size`
 * means the file may hold more: ask for one byte past your bound to tell a
 * file over it. The one bounded file reader of the tree: secret files
 * here, roadvpnd's profiles (client-core/src/profile/keyfile.c) too.
 */
ssize_t rv_file_read_bounded(const char *path, char *buf, size_t size);
