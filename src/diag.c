/*
 * diag.c - filling and formatting diagnostics.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "safe.h"

void
bs_diag_clear(struct bs_diag *d)
{
	if (d == NULL)
		return;
	d->file[0] = '\0';
	d->line = 0;
	d->msg[0] = '\0';
}

bs_status
bs_diag_set(struct bs_diag *d, bs_status st, const char *file, uint64_t line,
    const char *fmt, ...)
{
	char raw[BS_DIAG_MSG_MAX];
	va_list ap;

	if (d == NULL)
		return st;
	/*
	 * Messages may quote a file name or a piece of a line, both of which
	 * come from outside: make them safe once, here, for every caller.
	 */
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	bs_safe_term(d->msg, sizeof(d->msg), raw, strlen(raw));
	if (file == NULL)
		file = "";
	bs_safe_term(d->file, sizeof(d->file), file, strlen(file));
	d->line = line;
	return st;
}

void
bs_diag_format(const struct bs_diag *d, char *out, size_t outsz)
{
	if (d->file[0] != '\0' && d->line > 0)
		snprintf(out, outsz, "%s:%llu: %s", d->file,
		    (unsigned long long)d->line, d->msg);
	else if (d->file[0] != '\0')
		snprintf(out, outsz, "%s: %s", d->file, d->msg);
	else
		snprintf(out, outsz, "%s", d->msg);
}
