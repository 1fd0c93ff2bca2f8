/*
 * test-log.c -- log.c: lines logged by several threads at once (benchd's
 * event loop, its alert and fleet threads) come out whole, never mixed.
 */
#include "config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"

#define THREADS	4
#define LINES	3000

static void *
logger(void *arg)
{
	int	t = (int)(intptr_t)arg, i;

	for (i = 0; i < LINES; i++)
		log_info("thread %d line %d %s", t, i,
		    "................................................");
	return (NULL);
}

static void
test_threads_log_whole_lines(void **state)
{
	pthread_t	 th[THREADS];
	char		 path[] = "/tmp/benchd-test-log-XXXXXX", line[256];
	int		 fd, saved, t, i, n = 0, next[THREADS] = { 0 };
	FILE		*f;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	unlink(path);
	fflush(stderr);
	assert_true((saved = dup(2)) != -1);
	assert_true(dup2(fd, 2) == 2);
	log_init("t", 1);
	for (t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, logger,
		    (void *)(intptr_t)t), 0);
	for (t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
	fflush(stderr);
	assert_true(dup2(saved, 2) == 2);
	close(saved);
	assert_true(lseek(fd, 0, SEEK_SET) == 0);
	assert_non_null(f = fdopen(fd, "r"));
	while (fgets(line, sizeof line, f) != NULL) {
		/* Each line whole, and each thread's lines in order. */
		assert_int_equal(sscanf(line, "t: thread %d line %d ", &t, &i),
		    2);
		assert_true(t >= 0 && t < THREADS);
		assert_int_equal(i, next[t]);
		next[t]++;
		assert_non_null(strstr(line, "........\n"));
		n++;
	}
	fclose(f);
	assert_int_equal(n, THREADS * LINES);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_threads_log_whole_lines),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return (cmocka_run_group_tests(tests, NULL, NULL));
}
