/*
 * benchd.c -- the benchmark daemon: start-up, signals, the event loop.
 */
#include "config.h"

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "benchd.h"
#include "conf.h"
#include "fleet.h"
#include "log.h"
#include "notify.h"
#include "runner.h"
#include "spawner.h"
#include "store.h"
#include "xmalloc.h"

struct event_base	*ev_base;
struct config		*cfg;
struct store		*db;
struct timespec		 start_time;
const char		*socket_path;
const char		*db_path;

static const char	*opt_socket;
static const char	*opt_database;

static void
usage(void)
{
	fprintf(stderr, "usage: benchd [-fnv] [-c config] [-D database] "
	    "[-S socket]\n");
	exit(64);
}

/* Command-line paths win over the file, on start and on every reload. */
static void
apply_overrides(struct config *c)
{
	if (opt_socket != NULL) {
		free(c->socket);
		c->socket = xstrdup(opt_socket);
		free(c->socket_from);
		c->socket_from = xstrdup("-S");
	}
	if (opt_database != NULL) {
		free(c->database);
		c->database = xstrdup(opt_database);
		free(c->database_from);
		c->database_from = xstrdup("-D");
	}
}

/* The file, the command line's paths over it, and the checks of both. */
static struct config *
load_config(const char *path, char **cause)
{
	struct config	*c;

	if ((c = conf_load(path, cause)) == NULL)
		return (NULL);
	apply_overrides(c);
	if (conf_check(c, cause) != 0) {
		conf_free(c);
		return (NULL);
	}
	return (c);
}

static void
sigchld_cb(evutil_socket_t sig, short events, void *arg)
{
	struct timespec	now;
	struct rusage	ru;
	pid_t		pid;
	int		status;

	for (;;) {
		pid = wait4(-1, &status, WNOHANG, &ru);
		if (pid <= 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		spawner_lost(pid);
		alert_reaped(pid, status);
		runner_reaped(pid, status, &ru, (int64_t)now.tv_sec *
		    1000000000 + now.tv_nsec);
	}
}

static void
sigterm_cb(evutil_socket_t sig, short events, void *arg)
{
	char	*reason;

	log_info("%s: shutting down", strsignal(sig));
	notify_stopping();
	xasprintf(&reason, "benchd stopped by %s", sig == SIGINT ? "SIGINT" :
	    "SIGTERM");
	sched_shutdown(reason);
	free(reason);
	event_base_loopbreak(ev_base);
}

/* Whether two [http] sections say the same. */
static int
http_same(const struct config_http *a, const struct config_http *b)
{
	if ((a->listen == NULL) != (b->listen == NULL) ||
	    (a->listen != NULL && strcmp(a->listen, b->listen) != 0))
		return (0);
	return (a->max_connections == b->max_connections &&
	    a->timeout == b->timeout);
}

static int
str_same(const char *a, const char *b)
{
	return (a == b || (a != NULL && b != NULL && strcmp(a, b) == 0));
}

/* Whether two [fleet] sections say the same. */
static int
fleet_same(const struct config_fleet *a, const struct config_fleet *b)
{
	size_t	i;

	if (!str_same(a->postgresql, b->postgresql) ||
	    !str_same(a->box, b->box) || a->nlabels != b->nlabels)
		return (0);
	for (i = 0; i < a->nlabels; i++) {
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return (0);
	}
	return (a->queue == b->queue && a->retry_min == b->retry_min &&
	    a->retry_max == b->retry_max && a->poll == b->poll &&
	    a->lease == b->lease);
}

/* SIGHUP: a bad file keeps the running config; a running session keeps
 * the suite definition it started with. */
static void
sighup_cb(evutil_socket_t sig, short events, void *arg)
{
	struct config	*c;
	char		*cause = NULL;

	if ((c = load_config(cfg->path, &cause)) == NULL) {
		log_warnx("reload failed, keeping the running configuration: "
		    "%s", cause);
		free(cause);
		return;
	}
	if (strcmp(c->socket, cfg->socket) != 0 ||
	    strcmp(c->database, cfg->database) != 0)
		log_warnx("reload: socket and database changes take effect "
		    "at the next start");
	if (!http_same(&c->http, &cfg->http))
		log_warnx("reload: [http] changes take effect at the next "
		    "start");
	if (!fleet_same(&c->fleet, &cfg->fleet))
		log_warnx("reload: [fleet] changes take effect at the next "
		    "start");
	if (!sched_config_in_use(cfg))
		conf_free(cfg);
	cfg = c;
	follow_init();		/* the suites that follow may have changed */
	alert_configure(cfg);
	log_info("configuration reloaded from %s", cfg->path);
	notify_status("Configuration reloaded from %s", cfg->path);
	sched_kick();
}

/*
 * SCHED_BATCH keeps benchd's fair share of the CPU, but a wakeup of benchd
 * (output to drain, a pipe's end, a client, a timer) never preempts the
 * workload: benchd runs on an idle CPU, or when the workload sleeps, or at
 * the next tick.  Workloads are spawned back in SCHED_OTHER (runner.c).
 */
static void
stay_out_of_the_way(void)
{
	struct sched_param	sp;

	memset(&sp, 0, sizeof sp);
	if (sched_setscheduler(0, SCHED_BATCH, &sp) == -1)
		log_warn("sched_setscheduler(SCHED_BATCH)");
}

/* Clients are descriptors: allow as many as the hard limit lets us. */
static void
raise_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			log_warn("setrlimit(RLIMIT_NOFILE)");
	}
}

int
main(int argc, char **argv)
{
	const char	*path = CONFIG_DEFAULT_PATH;
	struct event	*ev_chld, *ev_term, *ev_int, *ev_hup;
	char		*cause = NULL;
	int		 ch, foreground = 0, check = 0, verbose = 0;
	int		 lfd;

	while ((ch = getopt(argc, argv, "c:D:fnS:v")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'D':
			opt_database = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'S':
			opt_socket = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("benchd", verbose);

	if ((cfg = load_config(path, &cause)) == NULL) {
		fprintf(stderr, "benchd: %s\n", cause);
		free(cause);
		return (1);
	}
	if (check) {
		http_check(cfg);
		printf("configuration OK\n");
		conf_free(cfg);
		return (0);
	}
	/* A socket from systemd wins over socket = (ListenStream= says). */
	if ((lfd = notify_listen_fd(&cause)) == -2)
		fatalx("%s", cause);
	if (lfd >= 0 && notify_listen_path() != NULL)
		socket_path = xstrdup(notify_listen_path());
	else
		socket_path = xstrdup(cfg->socket);
	db_path = xstrdup(cfg->database);

	signal(SIGPIPE, SIG_IGN);
	/* A file size limit reached is a failed write, held and retried. */
	signal(SIGXFSZ, SIG_IGN);
	raise_nofile();
	stay_out_of_the_way();
	/* Orphans of a workload come to us, so nothing escapes unreaped. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		log_warn("prctl(PR_SET_CHILD_SUBREAPER)");
	clock_gettime(CLOCK_MONOTONIC, &start_time);

	if ((db = store_open(db_path, &cause)) == NULL)
		fatalx("%s", cause);
	if ((ev_base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	/* Priority 0 is the reap of a measured child; the rest is 1. */
	if (event_base_priority_init(ev_base, 2) != 0)
		fatalx("event_base_priority_init failed");
	if (lfd >= 0) {
		if (server_adopt(lfd, &cause) != 0)
			fatalx("%s", cause);
	} else if (server_listen(socket_path, cfg->admin_group, &cause) != 0)
		fatalx("%s", cause);
	if (http_start(cfg, &cause) != 0)
		fatalx("%s", cause);
	if (!foreground && daemon(1, 1) == -1)
		fatal("daemon");

	ev_chld = evsignal_new(ev_base, SIGCHLD, sigchld_cb, NULL);
	ev_term = evsignal_new(ev_base, SIGTERM, sigterm_cb, NULL);
	ev_int = evsignal_new(ev_base, SIGINT, sigterm_cb, NULL);
	ev_hup = evsignal_new(ev_base, SIGHUP, sighup_cb, NULL);
	evsignal_add(ev_chld, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_hup, NULL);

	/* After daemon(): a thread does not survive a fork. */
	if (alert_start(cfg, db_path, &cause) != 0)
		fatalx("%s", cause);
	sched_init();
	follow_init();
	if (fleet_start(cfg, db_path, &cause) != 0)
		fatalx("%s", cause);
	log_info("listening on %s, database %s", socket_path, db_path);
	/* Socket listening and database open: clients may come now. */
	notify_watchdog_start(ev_base);
	notify_ready();
	event_base_dispatch(ev_base);

	notify_watchdog_stop();
	alert_stop();
	fleet_stop();
	runner_shutdown();
	http_stop();
	server_close();
	event_free(ev_chld);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	sched_hold_free();
	follow_free();
	sched_cgroup_fini();
	store_close(db);
	conf_free(cfg);
	event_base_free(ev_base);
	return (0);
}
