/*
 * alert-send.c -- one attempt at one target, from the delivery thread
 * (alert-deliver.c): a POST with libcurl, or a program with the event on
 * its standard input.
 *
 * The program is started with posix_spawn, in a process group of its own
 * (a timeout kills all it started), and reaped by benchd's SIGCHLD
 * handler like every other child: alert-deliver.c hands its status to
 * this thread (alert_reaped).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
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

int64_t
alert_mono_ms(void)
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
		if ((left = end - alert_mono_ms()) <= 0) {
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

/* The program as its own group's leader, stdin from in, stdout to out. */
static int
exec_spawn(char **argv, char **env, int in, int out, pid_t *pid,
    char **error)
{
	posix_spawn_file_actions_t	fa;
	posix_spawnattr_t		at;
	sigset_t			none, dfl;
	int				rc;

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		xasprintf(error, "posix_spawn: %s", strerror(rc));
		return (-1);
	}
	if ((rc = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		xasprintf(error, "posix_spawn: %s", strerror(rc));
		return (-1);
	}
	sigemptyset(&none);
	/* benchd ignores SIGPIPE; the program gets the defaults. */
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGXFSZ);
	if ((rc = posix_spawn_file_actions_adddup2(&fa, in, 0)) != 0 ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, out, 1)) != 0 ||
#if defined(__GLIBC__) && __GLIBC_PREREQ(2, 34)
	    (rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0 ||
#endif
	    (rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (rc = posix_spawnattr_setpgroup(&at, 0)) != 0 ||
	    (rc = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (rc = posix_spawnattr_setsigdefault(&at, &dfl)) != 0)
		xasprintf(error, "posix_spawn: %s", strerror(rc));
	else {
		alert_child_begin();
		if ((rc = posix_spawn(pid, argv[0], &fa, &at, argv, env)) != 0)
			xasprintf(error, "%s: %s", argv[0], strerror(rc));
		alert_child_pid(rc == 0 ? *pid : 0);
	}
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return (rc == 0 ? 0 : -1);
}

int
alert_exec(const char *command, const char *body, const char *kind,
    int64_t id, const char *path, const char *home, const char *lang,
    int timeout, char **error)
{
	char	**argv, **env, *cause;
	int	  fds[2], devnull, status = 0, rc;
	int64_t	  end = alert_mono_ms() + (int64_t)timeout * 1000;
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
	rc = exec_spawn(argv, env, fds[0], devnull, &pid, error);
	close(fds[0]);
	close(devnull);
	argv_free(env);
	argv_free(argv);
	if (rc != 0) {
		close(fds[1]);
		return (-1);
	}
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) == -1)
		log_warn("alert: fcntl");
	rc = feed(fds[1], body, end, error);
	close(fds[1]);
	if (alert_child_wait(pid, end, &status) != 0) {
		/* Its whole group, and the reap that follows. */
		kill(-pid, SIGKILL);
		if (alert_child_wait(pid, alert_mono_ms() + 5000, &status) != 0)
			log_warnx("alert: process %ld not reaped", (long)pid);
		free(*error);
		xasprintf(error, "timed out after %d s", timeout);
		return (-1);
	}
	if (rc != 0)
		return (-1);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return (0);
	if (WIFEXITED(status))
		xasprintf(error, "exited with %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		xasprintf(error, "killed by signal %d", WTERMSIG(status));
	else
		xasprintf(error, "ended with status %d", status);
	return (-1);
}
