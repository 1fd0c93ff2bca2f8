/*
 * units.h -- the units benchd's numbers are shown in, by benchctl and by
 * the dashboard alike: one set of rules (units.c), into a caller's buffer
 * of at least UNITS_LEN bytes.  Each returns the buffer; a value that is
 * not finite is "-".
 */
#ifndef BENCHD_UNITS_H
#define BENCHD_UNITS_H

#include <stddef.h>

#define UNITS_LEN	64	/* fits every formatted number */

/* Seconds in the unit that suits ref: "59.120 s", "512.3 ms", "41.0 µs". */
const char	*units_seconds(char *, size_t, double, double ref);
/* Kibibytes in the unit that suits ref: "812 KiB", "793.3 MiB". */
const char	*units_kib(char *, size_t, double, double ref);
/* A ratio as a percentage with decimals, signed when sign: "+1.4%". */
const char	*units_ratio(char *, size_t, double, int decimals, int sign);
/* A p-value: four decimals, "<0.0001" below that. */
const char	*units_pvalue(char *, size_t, double);
/* A duration: "42.0s", "2m 06s", "1h 02m", "3d 04h". */
const char	*units_duration(char *, size_t, double);

#endif
