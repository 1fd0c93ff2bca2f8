/*
 * alert-send.c -- one attempt at one target, from the delivery thread
 * (alert-deliver.c): a POST with libcurl, or a program with the event on
 * its standard input.
 *
 * benchd's SIGCHLD handler reaps every child it is told of (wait4(-1)),
 * so the program is not our child: ours is a copy of this process made
 * with clone() and no exit signal, which that handler neither hears of
 * nor may reap (only waitpid with __WCLONE does), and which runs the
 * program, waits for it and exits with its status.  An exec would give
 * it an exit signal again, so the copy never execs itself.  Both copies
 * make only system calls that are safe after a fork in a threaded
 * process (raw clone, not fork, which takes libc's locks).
 */
#include "config.h"

#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "argv.h"
#include "benchd.h"
#include "log.h"
#include "xmalloc.h"

#ifndef __WCLONE
#define __WCLONE	0x80000000
#endif

/* What the server answers is not read: the status says it all. */
static size_t
discard(char *ptr, size_t size, size_t n, void *arg)
{
	return (size * n);
}

int
alert_post(void *handle, const char *url, const char *body, int timeout,
    char **error)
{
	CURL			*h = handle;
	struct curl_slist	*hdrs = NULL, *t;
	char			 errbuf[CURL_ERROR_SIZE];
	long			 code = 0;
	CURLcode		 rc;

	curl_easy_reset(h);
	errbuf[0] = '\0';
	if ((t = curl_slist_append(hdrs, "Content-Type: application/json")) ==
	    NULL)
		fatalx("curl_slist_append failed");
	hdrs = t;
	if ((t = curl_slist_append(hdrs, "User-Agent: benchd/"
	    PACKAGE_VERSION)) == NULL)
		fatalx("curl_slist_append failed");
	hdrs = t;
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
#if LIBCURL_VERSION_NUM >= 0x075500
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
#else
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP |
	    CURLPROTO_HTTPS)) != CURLE_OK ||
#endif
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body)) !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard) != CURLE_OK) {
		curl_slist_free_all(hdrs);
		*error = xstrdup("libcurl refused an option");
		return (-1);
	}
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		xasprintf(error, "%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
		return (-1);
	}
	if (code < 200 || code > 299) {
		xasprintf(error, "HTTP %ld", code);
		return (-1);
	}
	return (0);
}

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* The body down the pipe by the deadline: 0, or -1 and *error. */
static int
feed(int fd, const char *body, int64_t end, char **error)
{
	struct pollfd	 pfd;
	size_t		 len = strlen(body), off = 0;
	ssize_t		 n;
	int64_t		 left;

	pfd.fd = fd;
	pfd.events = POLLOUT;
	while (off < len) {
		if ((left = end - mono_ms()) <= 0) {
			*error = xstrdup("timed out writing its input");
			return (-1);
		}
		if (poll(&pfd, 1, (int)left) == -1 && errno != EINTR) {
			xasprintf(error, "poll: %s", strerror(errno));
			return (-1);
		}
		n = write(fd, body + off, len - off);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			if (errno == EPIPE)
				return (0);	/* it did not read it all */
			xasprintf(error, "write: %s", strerror(errno));
			return (-1);
		}
		off += n;
	}
	return (0);
}

/* Its end by the deadline, or killed (its whole group): the status. */
static int
reap(pid_t pid, int64_t end, int *timed_out)
{
	struct timespec	 ts = { 0, 10 * 1000000 };
	int		 status = 0;
	pid_t		 r;

	*timed_out = 0;
	for (;;) {
		r = waitpid(pid, &status, __WCLONE | WNOHANG);
		if (r == pid || (r == -1 && errno != EINTR))
			return (status);
		if (mono_ms() >= end)
			break;
		nanosleep(&ts, NULL);
	}
	*timed_out = 1;
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, __WCLONE) == -1 && errno == EINTR)
		;
	return (status);
}

static char **
exec_env(const char *kind, int64_t id, const char *path, const char *home,
    const char *lang)
{
	char	**env = xcalloc(6, sizeof *env);

	xasprintf(&env[0], "PATH=%s", path != NULL ? path : "/usr/bin:/bin");
	xasprintf(&env[1], "HOME=%s", home != NULL ? home : "/");
	xasprintf(&env[2], "LANG=%s", lang != NULL ? lang : "C.UTF-8");
	xasprintf(&env[3], "BENCHD_EVENT=%s", kind);
	xasprintf(&env[4], "BENCHD_ALERT=%lld", (long long)id);
	return (env);
}

/*
 * The copy without an exit signal: its own process group (a timeout
 * kills it all), the program as its child, and the program's status as
 * its own.  Never returns.
 */
static void
exec_child(char **argv, char **env, int in, int out)
{
	struct sigaction	sa;
	sigset_t		none;
	pid_t			pid;
	int			status;

	setpgid(0, 0);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	/* benchd's handlers are not for this process, nor SIGPIPE ignored. */
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1)
		_exit(126);
#ifdef SYS_close_range
	syscall(SYS_close_range, 3U, ~0U, 0U);
#endif
	pid = (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL,
	    NULL, NULL);
	if (pid == 0) {
		execve(argv[0], argv, env);
		_exit(127);
	}
	if (pid == -1)
		_exit(126);
	close(0);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			_exit(126);
	if (WIFEXITED(status))
		_exit(WEXITSTATUS(status));
	_exit(128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
}

int
alert_exec(const char *command, const char *body, const char *kind,
    int64_t id, const char *path, const char *home, const char *lang,
    int timeout, char **error)
{
	char	**argv, **env, *cause;
	int	  fds[2], devnull, status, timed_out, rc;
	int64_t	  end = mono_ms() + (int64_t)timeout * 1000;
	pid_t	  pid;

	if (argv_split(command, &argv, &cause) != 0) {
		*error = cause;
		return (-1);
	}
	if (pipe2(fds, O_CLOEXEC) == -1) {
		xasprintf(error, "pipe: %s", strerror(errno));
		argv_free(argv);
		return (-1);
	}
	if ((devnull = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1) {
		xasprintf(error, "/dev/null: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		argv_free(argv);
		return (-1);
	}
	env = exec_env(kind, id, path, home, lang);
	pid = (pid_t)syscall(SYS_clone, 0UL, NULL, NULL, NULL, NULL);
	if (pid == 0)
		exec_child(argv, env, fds[0], devnull);
	close(fds[0]);
	close(devnull);
	argv_free(env);
	argv_free(argv);
	if (pid == -1) {
		xasprintf(error, "clone: %s", strerror(errno));
		close(fds[1]);
		return (-1);
	}
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) == -1)
		log_warn("alert: fcntl");
	rc = feed(fds[1], body, end, error);
	close(fds[1]);
	status = reap(pid, end, &timed_out);
	if (timed_out) {
		free(*error);
		xasprintf(error, "timed out after %d s", timeout);
		return (-1);
	}
	if (rc != 0)
		return (-1);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	if (WIFEXITED(status))
		xasprintf(error, "exited with %d%s", WEXITSTATUS(status),
		    WEXITSTATUS(status) == 127 ? " (could not be run)" : "");
	else if (WIFSIGNALED(status))
		xasprintf(error, "killed by signal %d", WTERMSIG(status));
	else
		xasprintf(error, "ended with status %d", status);
	return (-1);
}
