/*
 * fingerprint.c -- the machine a session ran on: hostname, kernel, CPU
 * model and count, cpu0's governor and benchd's version.  Sessions with
 * different fingerprints are not compared unless the user insists.
 */
#include "config.h"

#include <sys/utsname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "benchd.h"
#include "xmalloc.h"

/* The first "model name" of /proc/cpuinfo, or "unknown". */
static void
cpu_model(char *buf, size_t len)
{
	FILE	*f;
	char	 line[512], *p;

	snprintf(buf, len, "unknown");
	if ((f = fopen("/proc/cpuinfo", "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "model name", 10) != 0 ||
		    (p = strchr(line, ':')) == NULL)
			continue;
		p += strspn(p + 1, " \t") + 1;
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, len, "%s", p);
		break;
	}
	fclose(f);
}

static void
governor(const char *sys_root, char *buf, size_t len)
{
	char	 path[4096];
	FILE	*f;

	snprintf(path, sizeof path, "%s/sys/devices/system/cpu/cpu0/cpufreq/"
	    "scaling_governor", strcmp(sys_root, "/") == 0 ? "" : sys_root);
	snprintf(buf, len, "unavailable");
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fgets(buf, len, f) == NULL)
		snprintf(buf, len, "unavailable");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

char *
fingerprint_json(const char *sys_root)
{
	struct utsname	 u;
	char		 host[256], model[256], gov[64], *s;
	cJSON		*o = cJSON_CreateObject();

	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	if (uname(&u) != 0)
		memset(&u, 0, sizeof u);
	cpu_model(model, sizeof model);
	governor(sys_root, gov, sizeof gov);
	cJSON_AddStringToObject(o, "hostname", host);
	cJSON_AddStringToObject(o, "kernel", u.release);
	cJSON_AddStringToObject(o, "cpu_model", model);
	cJSON_AddNumberToObject(o, "cpus", sysconf(_SC_NPROCESSORS_ONLN));
	cJSON_AddStringToObject(o, "governor", gov);
	cJSON_AddStringToObject(o, "benchd", PACKAGE_VERSION);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return (s);
}
