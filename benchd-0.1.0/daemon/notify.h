/* notify.h -- systemd readiness notification, socket activation, watchdog. */
#ifndef BENCHD_NOTIFY_H
#define BENCHD_NOTIFY_H

struct event_base;

/*
 * The listening socket systemd passed us (LISTEN_PID/LISTEN_FDS), read
 * once at start; the variables are unset afterwards.  Returns the fd, -1
 * when none was passed (bind our own), or -2 with *cause set when what
 * was passed is unusable: more than one fd, or not a listening AF_UNIX
 * stream socket.
 */
int		 notify_listen_fd(char **cause);

/* The path the passed socket is bound to, or NULL (none, or unnamed). */
const char	*notify_listen_path(void);

/* READY=1 once the socket accepts and the database is open. */
void		 notify_ready(void);

/* STOPPING=1 as soon as shutdown begins. */
void		 notify_stopping(void);

/* STATUS= line shown by systemctl status (newlines become spaces). */
void		 notify_status(const char *, ...)
		     __attribute__((format(printf, 1, 2)));

/*
 * When systemd asked for watchdog pings (WATCHDOG_USEC, and WATCHDOG_PID
 * if set is our pid), send WATCHDOG=1 from a timer in the event loop at
 * half the interval, so a stuck loop stops the pings.  Adds no event
 * when the watchdog is off.
 */
void		 notify_watchdog_start(struct event_base *);
void		 notify_watchdog_stop(void);

#endif
