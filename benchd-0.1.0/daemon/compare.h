/* compare.h -- two sessions compared metric by metric and phase by phase. */
#ifndef BENCHD_COMPARE_H
#define BENCHD_COMPARE_H

#include <stdint.h>

#include <cjson/cJSON.h>

struct rpc_error;

/* The comparison as the protocol's session.compare result, or NULL. */
cJSON		*compare_sessions(int64_t a, int64_t b, int force, double noise,
		     struct rpc_error *);
const char	*compare_verdict(double p, double ci_low, double ci_high,
		     double noise);

/* fingerprint.c: what machine and benchd a session ran on, as JSON text. */
char		*fingerprint_json(const char *sys_root);

#endif
