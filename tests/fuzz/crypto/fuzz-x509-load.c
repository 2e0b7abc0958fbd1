/*
 * Loading what a profile's ca=, cert= and key= name (crypto/x509.c): PEM
 * certificates and private keys (maybe encrypted), PKCS#12 bundles, CA
 * files. The loaders take paths, so the input is written to memory files
 * (memfd) and named by /proc/self/fd/N.
 *
 * Input: byte 0 picks the call (low two bits: 0 certificate + key file,
 * 1 certificate file alone (PKCS#12, or PEM that then lacks its key), 2 CA
 * file) and bit 2 a password ("fuzz-password"); bytes 1-2 (big endian) are
 * the length of the first file, the rest is the key file. A load must
 * give a credential or a one-line error, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crypto/x509.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memory file holding data; its path in path. -1 on failure. */
static int mem_file(const uint8_t *data, size_t len, char *path, size_t path_size)
{
	int fd = memfd_create("fuzz-x509", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_err(const char *err, size_t size)
{
	if (strnlen(err, size) >= size || strchr(err, '\n'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rv_secret *pw = NULL;
	char first[64], second[64], err[200] = "";
	size_t n1;
	int fd1, fd2;

	if (size < 3 || size > 65536)
		return 0;
	n1 = (size_t)data[1] << 8 | data[2];
	if (n1 > size - 3)
		n1 = size - 3;
	fd1 = mem_file(data + 3, n1, first, sizeof(first));
	fd2 = mem_file(data + 3 + n1, size - 3 - n1, second, sizeof(second));
	if (fd1 < 0 || fd2 < 0)
		goto out;
	if (data[0] & 4)
		pw = rv_secret_new_str("fuzz-password");

	switch (data[0] & 3) {
	case 0:
	case 1: {
		struct rv_x509_cred *c =
			rv_x509_cred_load(first, (data[0] & 3) ? NULL : second, pw, err, sizeof(err));

		if (c && (!rv_x509_cred_cert(c) || rv_x509_cred_sig_len(c) == 0))
			abort();
		rv_x509_cred_free(c);
		break;
	}
	default: {
		struct rv_x509_store *s = rv_x509_store_load(first, err, sizeof(err));

		if (s && rv_x509_store_count(s) == 0)
			abort();
		rv_x509_store_free(s);
		break;
	}
	}
	check_err(err, sizeof(err));
out:
	rv_secret_free(pw);
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	return 0;
}
