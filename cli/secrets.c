/*
 * Secrets for `connect` and `add`: from a file (never from argv, where any
 * user could read them in /proc) or typed on the terminal without echo.
 * And the polkit text agent, started when a terminal can answer it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

char *cli_read_secret_file(const char *path, GError **error)
{
	char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, error))
		return NULL;
	if (len && data[len - 1] == '\n')
		data[--len] = '\0';
	if (len && data[len - 1] == '\r')
		data[--len] = '\0';
	return data;
}

void cli_free_secret(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	g_free(secret);
}

char *cli_prompt_secret(const char *prompt)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	struct termios old, quiet;
	char buf[512];
	ssize_t n;
	size_t len = 0;

	if (fd < 0 || !isatty(fd) || tcgetattr(fd, &old) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}

	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	(void)!write(fd, prompt, strlen(prompt));
	tcsetattr(fd, TCSAFLUSH, &quiet);
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, 1)) == 1 && buf[len] != '\n')
		len++;
	tcsetattr(fd, TCSAFLUSH, &old);
	close(fd);

	buf[len] = '\0';
	char *ret = g_strdup(buf);

	explicit_bzero(buf, sizeof(buf));
	return ret;
}
