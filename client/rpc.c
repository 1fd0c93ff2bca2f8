/*
 * rpc.c -- one blocking JSON-RPC connection to benchd.
 *
 * Requests and replies are single lines of JSON (docs/PROTOCOL.md). Replies
 * come back in request order; notifications (session.progress, ...) may
 * arrive between them and are kept, in a bounded queue, for
 * rpc_notification. The connection is opened by the first request so that
 * commands can reject bad arguments before they touch the socket.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"
#include "client.h"

#define RPC_BUF_INIT	65536
#define RPC_LINE_MAX	(64 * 1024 * 1024)	/* longest reply accepted */
#define RPC_NOTES_MAX	1024			/* notifications kept */

struct rpc_note {
	cJSON			*doc;
	TAILQ_ENTRY(rpc_note)	 entry;
};

struct rpc {
	char			*path;
	int			 fd;
	int			 failed;	/* no retry after an error */
	char			*buf;
	size_t			 len;
	size_t			 size;
	size_t			 scanned;	/* bytes known to hold no \n */
	int64_t			 sent;		/* id of the last request */
	TAILQ_HEAD(, rpc_note)	 notes;
	size_t			 nnotes;
};

static int	rpc_fail(struct rpc *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	rpc_readline(struct rpc *, cJSON **);
static int	rpc_error(const cJSON *);

struct rpc *
rpc_create(const char *path)
{
	struct rpc	*rpc;

	rpc = xcalloc(1, sizeof *rpc);
	rpc->path = xstrdup(path);
	rpc->fd = -1;
	TAILQ_INIT(&rpc->notes);
	return (rpc);
}

void
rpc_free(struct rpc *rpc)
{
	struct rpc_note	*note;

	if (rpc == NULL)
		return;
	while ((note = TAILQ_FIRST(&rpc->notes)) != NULL) {
		TAILQ_REMOVE(&rpc->notes, note, entry);
		cJSON_Delete(note->doc);
		free(note);
	}
	if (rpc->fd != -1)
		close(rpc->fd);
	free(rpc->buf);
	free(rpc->path);
	free(rpc);
}

/* Report a broken connection once; later calls fail quietly the same way. */
static int
rpc_fail(struct rpc *rpc, int status, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	if (!rpc->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		log_warnx("%s", msg);
	}
	rpc->failed = status;
	if (rpc->fd != -1) {
		close(rpc->fd);
		rpc->fd = -1;
	}
	return (status);
}

static int
rpc_connect(struct rpc *rpc)
{
	struct sockaddr_un	sun;
	int			fd, saved;

	if (rpc->failed)
		return (rpc->failed);
	if (rpc->fd != -1)
		return (0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(rpc->path) >= sizeof sun.sun_path)
		return (rpc_fail(rpc, EX_UNAVAILABLE,
		    "cannot connect to %s: %s", rpc->path,
		    strerror(ENAMETOOLONG)));
	memcpy(sun.sun_path, rpc->path, strlen(rpc->path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) == -1) {
		saved = errno;
		close(fd);
		return (rpc_fail(rpc, EX_UNAVAILABLE,
		    "cannot connect to %s: %s", rpc->path, strerror(saved)));
	}
	rpc->fd = fd;
	return (0);
}

/*
 * A send failed because benchd hung up. It may have said why first (busy,
 * line-too-long): report that error if it is waiting to be read.
 */
static int
rpc_salvage(struct rpc *rpc, int error)
{
	cJSON		*doc;
	const cJSON	*err;
	int		 rc = EX_UNAVAILABLE;

	if (error == EPIPE || error == ECONNRESET) {
		rpc->failed = EX_UNAVAILABLE;	/* read quietly */
		while (rpc->fd != -1 && rpc_readline(rpc, &doc) == 0) {
			if ((err = json_object(doc, "error")) != NULL)
				rc = rpc_error(err);
			cJSON_Delete(doc);
			if (rc != EX_UNAVAILABLE)
				break;
		}
	}
	if (rc == EX_UNAVAILABLE) {
		rpc->failed = 0;
		return (rpc_fail(rpc, rc, "%s: %s", rpc->path,
		    strerror(error)));
	}
	rpc->failed = rc;
	if (rpc->fd != -1) {
		close(rpc->fd);
		rpc->fd = -1;
	}
	return (rc);
}

/* Send one request line; its id is returned through idp. */
int
rpc_send(struct rpc *rpc, const char *method, cJSON *params, int64_t *idp)
{
	cJSON	*req;
	char	*text, *line;
	size_t	 len, off;
	ssize_t	 n;
	int	 rc;

	if ((rc = rpc_connect(rpc)) != 0) {
		cJSON_Delete(params);
		return (rc);
	}
	if ((req = cJSON_CreateObject()) == NULL)
		fatalx("out of memory");
	cJSON_AddStringToObject(req, "jsonrpc", "2.0");
	cJSON_AddNumberToObject(req, "id", (double)++rpc->sent);
	cJSON_AddStringToObject(req, "method", method);
	if (params != NULL)
		cJSON_AddItemToObject(req, "params", params);
	if ((text = cJSON_PrintUnformatted(req)) == NULL)
		fatalx("out of memory");
	cJSON_Delete(req);
	xasprintf(&line, "%s\n", text);
	cJSON_free(text);
	log_debug("-> %s", method);

	len = strlen(line);
	for (off = 0; off < len; off += (size_t)n) {
		n = send(rpc->fd, line + off, len - off, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n == -1) {
			free(line);
			return (rpc_salvage(rpc, errno));
		}
	}
	free(line);
	if (idp != NULL)
		*idp = rpc->sent;
	return (0);
}

/* Read the next line and parse it; blank lines are skipped. */
static int
rpc_readline(struct rpc *rpc, cJSON **docp)
{
	char	*nl;
	size_t	 linelen;
	ssize_t	 n;

	for (;;) {
		nl = rpc->len == rpc->scanned ? NULL :
		    memchr(rpc->buf + rpc->scanned, '\n',
		    rpc->len - rpc->scanned);
		rpc->scanned = rpc->len;
		if (nl != NULL) {
			rpc->scanned = 0;
			linelen = (size_t)(nl - rpc->buf);
			*docp = linelen == 0 ? NULL :
			    cJSON_ParseWithLength(rpc->buf, linelen);
			rpc->len -= linelen + 1;
			memmove(rpc->buf, nl + 1, rpc->len);
			if (linelen == 0)
				continue;
			if (*docp == NULL || !cJSON_IsObject(*docp)) {
				cJSON_Delete(*docp);
				return (rpc_fail(rpc, EXIT_DAEMON,
				    "unreadable reply from benchd"));
			}
			return (0);
		}
		if (rpc->len == rpc->size) {
			if (rpc->size >= RPC_LINE_MAX)
				return (rpc_fail(rpc, EXIT_DAEMON,
				    "reply from benchd longer than %d bytes",
				    RPC_LINE_MAX));
			rpc->size = rpc->size == 0 ? RPC_BUF_INIT :
			    rpc->size * 2;
			rpc->buf = xreallocarray(rpc->buf, 1, rpc->size);
		}
		n = read(rpc->fd, rpc->buf + rpc->len, rpc->size - rpc->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return (rpc_fail(rpc, EX_UNAVAILABLE, "%s: %s",
			    rpc->path, strerror(errno)));
		if (n == 0)
			return (rpc_fail(rpc, EX_UNAVAILABLE,
			    "%s: connection closed by benchd", rpc->path));
		rpc->len += (size_t)n;
	}
}

/* Keep a notification for later; the oldest goes when the queue is full. */
static void
rpc_keep(struct rpc *rpc, cJSON *doc)
{
	struct rpc_note	*note;

	if (rpc->nnotes == RPC_NOTES_MAX) {
		note = TAILQ_FIRST(&rpc->notes);
		TAILQ_REMOVE(&rpc->notes, note, entry);
		cJSON_Delete(note->doc);
		free(note);
		rpc->nnotes--;
	}
	note = xmalloc(sizeof *note);
	note->doc = doc;
	TAILQ_INSERT_TAIL(&rpc->notes, note, entry);
	rpc->nnotes++;
}

static int
rpc_is_notification(const cJSON *doc)
{
	return (cJSON_GetObjectItemCaseSensitive(doc, "id") == NULL &&
	    json_string(doc, "method") != NULL);
}

/* Print a JSON-RPC error as "MESSAGE (data.code)", the code if none. */
static int
rpc_error(const cJSON *error)
{
	const char	*message, *code;
	const cJSON	*data;
	int64_t		 num;
	char		*clean;

	if ((message = json_string(error, "message")) == NULL)
		message = "error";
	clean = output_escape(message, 0);
	data = json_object(error, "data");
	if ((code = json_string(data, "code")) != NULL)
		log_warnx("%s (%s)", clean, code);
	else if (json_int(error, "code", &num) == 0)
		log_warnx("%s (%lld)", clean, (long long)num);
	else
		log_warnx("%s", clean);
	free(clean);
	return (EXIT_DAEMON);
}

/*
 * Wait for the reply to request id and hand back its result (which the
 * caller frees). A daemon error is printed and gives EXIT_DAEMON.
 */
int
rpc_recv(struct rpc *rpc, int64_t id, cJSON **resultp)
{
	cJSON		*doc, *result;
	const cJSON	*idv, *error;
	int		 rc;

	*resultp = NULL;
	if (rpc->failed)
		return (rpc->failed);
	for (;;) {
		if ((rc = rpc_readline(rpc, &doc)) != 0)
			return (rc);
		if (rpc_is_notification(doc)) {
			rpc_keep(rpc, doc);
			continue;
		}
		idv = cJSON_GetObjectItemCaseSensitive(doc, "id");
		error = json_object(doc, "error");
		if (error != NULL && (idv == NULL || cJSON_IsNull(idv) ||
		    (cJSON_IsNumber(idv) && idv->valuedouble == (double)id))) {
			/* An error without an id (busy, parse error) is ours. */
			rc = rpc_error(error);
			cJSON_Delete(doc);
			return (rc);
		}
		if (!cJSON_IsNumber(idv) || idv->valuedouble != (double)id) {
			cJSON_Delete(doc);
			return (rpc_fail(rpc, EXIT_DAEMON,
			    "reply from benchd out of order (expected id %lld)",
			    (long long)id));
		}
		result = cJSON_DetachItemFromObjectCaseSensitive(doc, "result");
		cJSON_Delete(doc);
		if (result == NULL)
			return (rpc_fail(rpc, EXIT_DAEMON,
			    "reply from benchd has no result"));
		*resultp = result;
		return (0);
	}
}

/* One request, one reply. params is consumed. */
int
rpc_call(struct rpc *rpc, const char *method, cJSON *params, cJSON **resultp)
{
	int64_t	id;
	int	rc;

	*resultp = NULL;
	if ((rc = rpc_send(rpc, method, params, &id)) != 0)
		return (rc);
	return (rpc_recv(rpc, id, resultp));
}

/*
 * Wait for the next notification: its method and params (NULL when it had
 * none) go to the caller, who frees both.
 */
int
rpc_notification(struct rpc *rpc, char **methodp, cJSON **paramsp)
{
	struct rpc_note	*note;
	cJSON		*doc;
	int		 rc;

	if ((note = TAILQ_FIRST(&rpc->notes)) != NULL) {
		TAILQ_REMOVE(&rpc->notes, note, entry);
		rpc->nnotes--;
		doc = note->doc;
		free(note);
	} else {
		if (rpc->failed)
			return (rpc->failed);
		if ((rc = rpc_readline(rpc, &doc)) != 0)
			return (rc);
		if (!rpc_is_notification(doc)) {
			cJSON_Delete(doc);
			return (rpc_fail(rpc, EXIT_DAEMON,
			    "unexpected reply from benchd"));
		}
	}
	*methodp = xstrdup(json_string(doc, "method"));
	*paramsp = cJSON_DetachItemFromObjectCaseSensitive(doc, "params");
	cJSON_Delete(doc);
	return (0);
}
