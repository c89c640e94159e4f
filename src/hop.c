/*
 * hop.c - is a delivery a content-filter hop? (see hop.h)
 *
 * The rule is in C rather than in patterns/: it reads fields every
 * reader already fills (the remote and the reply), the same for every
 * format, and it runs on every delivery.  To change it, change
 * loopback() and requeued() below and the table of tests/check_hop.c.
 */
#include <string.h>
#include <strings.h>

#include "hop.h"

static bool
starts(const struct bs_text *t, const char *s)
{
	size_t n = strlen(s);

	return t->ptr != NULL && t->len >= n && memcmp(t->ptr, s, n) == 0;
}

static bool
is(const struct bs_text *t, const char *s)
{
	size_t n = strlen(s);

	return t->ptr != NULL && t->len == n && strncasecmp(t->ptr, s, n) == 0;
}

/* 127.0.0.0/8, ::1, or "localhost" named without an address. */
static bool
loopback(const struct bs_event *ev)
{
	if (ev->remote_ip.ptr != NULL)
		return starts(&ev->remote_ip, "127.") ||
		    is(&ev->remote_ip, "::1");
	return is(&ev->remote, "localhost");
}

/* The reply says the message was queued again under a new id. */
static bool
requeued(const struct bs_event *ev)
{
	return ev->reply != NULL &&
	    (memmem(ev->reply, ev->reply_len, "queued as ", 10) != NULL ||
		memmem(ev->reply, ev->reply_len, "OK id=", 6) != NULL);
}

bool
bs_hop_is(const struct bs_event *ev)
{
	return ev->kind == BS_DELIVERED && ev->note == BS_NOTE_EVENT &&
	    loopback(ev) && requeued(ev);
}
