/*
 * csvhdr.c - CSV whose columns are named by a header; see csvhdr.h.
 */
#include <stdlib.h>
#include <string.h>

#include "csvhdr.h"

bs_status
bs_csvhdr_init(struct bs_csvhdr *r, const char *const *names, size_t nnames,
    struct bs_diag *d)
{
	memset(r, 0, sizeof(*r));
	if (nnames > BS_CSVHDR_NAMES_MAX)
		return bs_diag_set(d, BS_ERR_CONFIG, "", 0,
		    "%zu CSV columns wanted, at most %d", nnames,
		    BS_CSVHDR_NAMES_MAX);
	r->names = names;
	r->nnames = nnames;
	r->scratch = malloc(BS_LINE_MAX);
	if (r->scratch == NULL)
		return bs_diag_set(d, BS_ERR_NOMEM, "", 0, "out of memory");
	return BS_OK;
}

void
bs_csvhdr_fini(struct bs_csvhdr *r)
{
	free(r->scratch);
	r->scratch = NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Whether s[0..n) is name, ignoring case (names are ASCII). */
static bool
same_name(const char *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)s[i];
		unsigned char b = (unsigned char)name[i];

		if (b == '\0')
			return false;
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return name[n] == '\0';
}

void
bs_csvhdr_map(struct bs_csvhdr *r, const char *list, size_t len,
    struct bs_csvhdr_map *m)
{
	size_t nf, i, k;

	nf = bs_csvhdr_row(r, list, len);
	m->ncols = nf;
	for (k = 0; k < BS_CSVHDR_NAMES_MAX; k++)
		m->col[k] = -1;
	for (i = 0; i < nf && i < BS_CSVHDR_FIELDS_MAX; i++) {
		const char *s = r->f[i].ptr;
		size_t n = r->f[i].len;

		/*
		 * Blanks around a name, and around a quoted one: a quote
		 * after a blank ( " a ") is no quoting to csv.c.
		 */
		for (;;) {
			while (n > 0 && is_blank(*s)) {
				s++;
				n--;
			}
			while (n > 0 && is_blank(s[n - 1]))
				n--;
			if (n < 2 || s[0] != '"' || s[n - 1] != '"')
				break;
			s++;
			n -= 2;
		}
		for (k = 0; k < r->nnames; k++)
			if (m->col[k] < 0 && same_name(s, n, r->names[k]))
				m->col[k] = (int)i;
	}
	r->nf = 0; /* the header is no row */
}
