/*
 * event.c - the names the writers give an event's kind and connection
 * failure (event.h).
 */
#include "event.h"

static const char *const kind_names[BS_KIND_COUNT] = {
	"delivered", "deferred", "bounced", "expired", "rejected"
};

const char *
bs_kind_name(enum bs_kind k)
{
	return (unsigned)k < BS_KIND_COUNT ? kind_names[k] : "unknown";
}

const char *
bs_conn_name(unsigned connfail)
{
	return connfail & BS_CONN_REFUSED ? "refused" :
	    connfail & BS_CONN_FAILED ? "failed" : NULL;
}
