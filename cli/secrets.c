/*
 * Secrets typed on the terminal without echo, for `connect`. (Secret files
 * are read by the library: rvc_secret_file_read(), roadvpnd's rule.)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

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
