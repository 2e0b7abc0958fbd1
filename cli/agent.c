/*
 * A polkit text agent for this process while it runs (what systemctl does):
 * `pkttyagent --process PID --notify-fd FD --fallback`, waited for until it
 * is registered. Only for a non-root user on a terminal; root is never
 * asked, and without a terminal nobody could answer.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define PKTTYAGENT "/usr/bin/pkttyagent"

static GPid agent_pid;

void cli_agent_start(void)
{
	int pipefd[2];
	char buf[1];
	g_autofree char *pid = NULL, *fd = NULL;

	if (agent_pid || getuid() == 0 || !isatty(STDIN_FILENO) || access(PKTTYAGENT, X_OK) < 0)
		return;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return;

	pid = g_strdup_printf("%d", (int)getpid());
	fd = g_strdup_printf("%d", pipefd[1]);
	const char *argv[] = { PKTTYAGENT, "--process", pid, "--notify-fd", fd, "--fallback", NULL };
	GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CHILD_INHERITS_STDIN;
	int source_fds[] = { pipefd[1] }, target_fds[] = { pipefd[1] };

	if (g_spawn_async_with_pipes_and_fds(NULL, argv, NULL, flags, NULL, NULL, -1, -1, -1,
					     source_fds, target_fds, 1, &agent_pid, NULL, NULL,
					     NULL, NULL)) {
		close(pipefd[1]);
		/* It closes the fd once registered (or exits). */
		(void)!read(pipefd[0], buf, sizeof(buf));
	} else {
		close(pipefd[1]);
	}
	close(pipefd[0]);
}

void cli_agent_stop(void)
{
	if (!agent_pid)
		return;
	kill(agent_pid, SIGTERM);
	waitpid(agent_pid, NULL, 0);
	g_spawn_close_pid(agent_pid);
	agent_pid = 0;
}
