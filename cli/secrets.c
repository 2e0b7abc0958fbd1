/*
 * Secrets typed on the terminal, for `connect`. (Secret files are read by
 * the library: rvc_secret_file_read(), roadvpnd's rule.)
 *
 * Echo goes off before the prompt is written, so that nothing typed after
 * it (or ahead of it) is ever shown, and the terminal settings change with
 * TCSANOW: TCSAFLUSH would throw away what was typed ahead and leave the
 * user waiting at a prompt that seems to hang. The settings come back on
 * every way out: the answer, end of input, an over-long answer, and the
 * signals a user sends (SIGINT, SIGQUIT, SIGTERM, SIGHUP), whose handler
 * restores the terminal and then dies of the signal as before.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

/* The longest answer taken (a terminal line holds 4095): longer secrets go in a file. */
#define SECRET_MAX 1024

static const int restore_signals[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };

/* What the signal handler needs to put the terminal back. */
static volatile sig_atomic_t tty_fd = -1;
static struct termios tty_saved;

static void restore_tty(void)
{
	int fd = tty_fd;

	if (fd < 0)
		return;
	tcsetattr(fd, TCSANOW, &tty_saved);
	tty_fd = -1;
}

static void on_signal(int sig)
{
	int fd = tty_fd;

	restore_tty();
	if (fd >= 0)
		(void)!write(fd, "\n", 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

struct handlers {
	struct sigaction old[G_N_ELEMENTS(restore_signals)];
};

static void catch_signals(struct handlers *h)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < G_N_ELEMENTS(restore_signals); i++)
		sigaction(restore_signals[i], &sa, &h->old[i]);
}

static void release_signals(const struct handlers *h)
{
	for (size_t i = 0; i < G_N_ELEMENTS(restore_signals); i++)
		sigaction(restore_signals[i], &h->old[i], NULL);
}

/*
 * One line from fd into buf (NUL-terminated, without the newline). Returns
 * its length, -1 at end of input before a newline, or -2 when the line is
 * longer than SECRET_MAX (the rest of it is read and dropped).
 */
static ssize_t read_line(int fd, char *buf)
{
	size_t len = 0;
	bool too_long = false;
	char ch;
	ssize_t n;

	for (;;) {
		n = read(fd, &ch, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (ch == '\n')
			break;
		if (len < SECRET_MAX)
			buf[len++] = ch;
		else
			too_long = true;
	}
	buf[len] = '\0';
	return too_long ? -2 : (ssize_t)len;
}

char *cli_prompt_secret(const char *prompt, GError **error)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios quiet;
	struct handlers h;
	char buf[SECRET_MAX + 1];
	ssize_t len;
	char *secret = NULL;

	if (fd < 0 || tcgetattr(fd, &tty_saved) < 0) {
		if (fd >= 0)
			close(fd);
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("no terminal to ask"));
		return NULL;
	}
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK);
	quiet.c_lflag |= ECHONL;

	catch_signals(&h);
	tty_fd = fd;
	tcsetattr(fd, TCSANOW, &quiet);
	(void)!write(fd, prompt, strlen(prompt));
	len = read_line(fd, buf);
	restore_tty();
	release_signals(&h);
	close(fd);

	if (len == -1)
		g_set_error_literal(error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("no answer"));
	else if (len == -2)
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
			    ngettext("the answer is longer than %d byte; refused",
				     "the answer is longer than %d bytes; refused", SECRET_MAX), SECRET_MAX);
	else
		secret = g_strdup(buf);
	explicit_bzero(buf, sizeof(buf));
	return secret;
}

void cli_hold_secrets(void)
{
	/* No core dump and no ptrace by the user's other processes while we hold one. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
