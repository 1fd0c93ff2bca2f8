/*
 * log.c -- diagnostics to stderr.
 *
 * When stderr is connected to the journal (JOURNAL_STREAM names the same
 * device and inode as fd 2), every line starts with a "<N>" priority
 * prefix as sd-daemon(3) describes; otherwise lines carry the program name.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define PRI_ERR		3
#define PRI_WARNING	4
#define PRI_INFO	6
#define PRI_DEBUG	7

static const char	*log_progname = "benchd";
static int		 log_level;	/* 0 warnings, 1 info, 2+ debug */
static int		 log_journal;

/* True when fd 2 is the stream named by $JOURNAL_STREAM. */
static int
log_is_journal(void)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;
	struct stat		 sb;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return (0);
	if (fstat(2, &sb) == -1)
		return (0);
	return ((unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino);
}

void
log_init(const char *progname, int verbosity)
{
	log_progname = progname;
	log_level = verbosity;
	log_journal = log_is_journal();
}

static void
log_vemit(int pri, const char *fmt, va_list ap, const char *err)
{
	char	buf[4096];
	int	len;

	vsnprintf(buf, sizeof buf, fmt, ap);
	/* One line at a time: the alert and fleet threads log too. */
	flockfile(stderr);
	if (log_journal)
		len = fprintf(stderr, "<%d>%s", pri, buf);
	else
		len = fprintf(stderr, "%s: %s", log_progname, buf);
	if (len >= 0 && err != NULL)
		fprintf(stderr, ": %s", err);
	fputc('\n', stderr);
	fflush(stderr);
	funlockfile(stderr);
}

void
log_warn(const char *fmt, ...)
{
	const char	*err = strerror(errno);
	va_list		 ap;

	va_start(ap, fmt);
	log_vemit(PRI_WARNING, fmt, ap, err);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(PRI_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	log_vemit(PRI_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 2)
		return;
	va_start(ap, fmt);
	log_vemit(PRI_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	const char	*err = strerror(errno);
	va_list		 ap;

	va_start(ap, fmt);
	log_vemit(PRI_ERR, fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vemit(PRI_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
