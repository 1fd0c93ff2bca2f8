/* server-int.h -- what server.c shares with server-limits.c. */
#ifndef BENCHD_SERVER_INT_H
#define BENCHD_SERVER_INT_H

#include <sys/types.h>
#include <sys/queue.h>

#include <stdint.h>

#include <cjson/cJSON.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

struct client {
	struct bufferevent	*bev;
	uid_t			 uid;
	gid_t			 gid;
	pid_t			 pid;
	int			 subscribed;
	int64_t			 sub_session;	/* 0: every session */
	int			 closing;	/* close once output drains */
	cJSON			*deferred;	/* sent after the reply */
	struct event		*timer;		/* the nearest deadline */
	struct event		*more;		/* the next line, next turn */
	int			 eof;		/* no more input will come */
	int64_t			 last_request;	/* ms, CLOCK_MONOTONIC */
	int64_t			 partial_since;	/* ms; 0: no partial line */
	TAILQ_ENTRY(client)	 entry;
};

/* server.c */
void	server_client_free(struct client *);
void	server_client_hangup(struct client *, cJSON *);

/* server-limits.c */
int	server_limits_admit(const struct client *, int, char **);
void	server_limits_leave(const struct client *);
void	server_limits_start(struct client *);
void	server_limits_read(struct client *, int, int);

#endif
