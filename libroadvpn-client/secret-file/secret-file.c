/* The secret-file rule (see secret-file.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "secret-file.h"

enum rv_secret_file_status rv_secret_file_parse(const char *data, size_t len,
						size_t *secret_len)
{
	if (len && data[len - 1] == '\n')
		len--;
	if (len && data[len - 1] == '\r')
		len--;
	*secret_len = len;
	if (len == 0)
		return RV_SECRET_FILE_EMPTY;
	if (len > RV_SECRET_FILE_MAX)
		return RV_SECRET_FILE_TOO_LONG;
	if (memchr(data, '\0', len))
		return RV_SECRET_FILE_NUL;
	if (memchr(data, '\n', len) || memchr(data, '\r', len))
		return RV_SECRET_FILE_MULTILINE;
	return RV_SECRET_FILE_OK;
}

/* Up to size bytes; a pipe may deliver them in pieces. */
static ssize_t read_fd_bounded(int fd, char *buf, size_t size)
{
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

ssize_t rv_file_read_bounded(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read_fd_bounded(fd, buf, size);
	close(fd);
	return n;
}

int rv_secret_file_read(const char *path, char *buf, size_t size)
{
	enum rv_secret_file_status st;
	size_t secret_len = 0;
	ssize_t n;

	if (size < RV_SECRET_FILE_BUF)
		return -EINVAL;
	/* The longest content accepted is MAX + "\r\n"; one byte more tells "too long". */
	n = rv_file_read_bounded(path, buf, RV_SECRET_FILE_BUF);
	if (n < 0) {
		explicit_bzero(buf, size);
		return (int)n;
	}
	st = n == RV_SECRET_FILE_BUF ? RV_SECRET_FILE_TOO_LONG
				     : rv_secret_file_parse(buf, (size_t)n, &secret_len);
	if (st != RV_SECRET_FILE_OK) {
		explicit_bzero(buf, size);
		return (int)st;
	}
	explicit_bzero(buf + secret_len, size - secret_len);
	return 0;
}

const char *rv_secret_file_status_text(enum rv_secret_file_status status)
{
	switch (status) {
	case RV_SECRET_FILE_OK:
		return "is fine";
	case RV_SECRET_FILE_EMPTY:
		return "is empty";
	case RV_SECRET_FILE_TOO_LONG:
		return "is longer than 4096 bytes";
	case RV_SECRET_FILE_NUL:
		return "holds a NUL byte";
	case RV_SECRET_FILE_MULTILINE:
		return "holds more than one line";
	}
	return "is unusable";
}
