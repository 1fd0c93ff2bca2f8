/*
 * units.c -- the units benchd's numbers are shown in:
 *   times     >= 1 s as "59.120 s", >= 1 ms as "512.3 ms", else "41.0 µs";
 *             a value and its spread ("mean ± sd") share the unit of the
 *             value;
 *   memory    "812 KiB", "793.3 MiB", "1.52 GiB";
 *   ratios    as percentages, "0.69%", "9.1%", "+1.4%";
 *   p-values  "0.0004", "<0.0001";
 *   durations "42.0s", "2m 06s", "1h 02m", "3d 04h".
 * benchctl (client/output.c) and the dashboard (daemon/page-fmt.c) both
 * print through these.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "units.h"

const char *
units_seconds(char *buf, size_t len, double value, double ref)
{
	double	a = fabs(ref);

	if (!isfinite(value))
		snprintf(buf, len, "-");
	else if (a >= 1.0 || a == 0.0)
		snprintf(buf, len, "%.3f s", value);
	else if (a >= 1e-3)
		snprintf(buf, len, "%.1f ms", value * 1e3);
	else
		snprintf(buf, len, "%.1f µs", value * 1e6);
	return (buf);
}

const char *
units_kib(char *buf, size_t len, double kib, double ref)
{
	double	a = fabs(ref);

	if (!isfinite(kib))
		snprintf(buf, len, "-");
	else if (a < 1024.0)
		snprintf(buf, len, "%.0f KiB", kib);
	else if (a < 1024.0 * 1024.0)
		snprintf(buf, len, "%.1f MiB", kib / 1024.0);
	else
		snprintf(buf, len, "%.2f GiB", kib / (1024.0 * 1024.0));
	return (buf);
}

const char *
units_ratio(char *buf, size_t len, double ratio, int decimals, int sign)
{
	if (!isfinite(ratio))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, sign ? "%+.*f%%" : "%.*f%%", decimals,
		    ratio * 100.0);
	return (buf);
}

const char *
units_pvalue(char *buf, size_t len, double p)
{
	if (!isfinite(p))
		snprintf(buf, len, "-");
	else if (p < 0.0001)
		snprintf(buf, len, "<0.0001");
	else
		snprintf(buf, len, "%.4f", p);
	return (buf);
}

const char *
units_duration(char *buf, size_t len, double secs)
{
	long long	t;

	if (!isfinite(secs) || secs < 0)
		snprintf(buf, len, "-");
	else if (secs < 60)
		snprintf(buf, len, "%.1fs", secs);
	else {
		t = (long long)secs;
		if (t < 3600)
			snprintf(buf, len, "%lldm %02llds", t / 60, t % 60);
		else if (t < 86400)
			snprintf(buf, len, "%lldh %02lldm", t / 3600,
			    t / 60 % 60);
		else
			snprintf(buf, len, "%lldd %02lldh", t / 86400,
			    t / 3600 % 24);
	}
	return (buf);
}
