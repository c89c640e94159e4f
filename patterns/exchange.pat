# exchange.pat - Microsoft Exchange message tracking logs (MSGTRK*.LOG).
#
# The CSV itself is split in C (src/csv.c) and the event-id is compared in
# C; these patterns only read the recipient-status field, which holds one
# status per recipient, separated by ';', while the statuses themselves
# may contain ';' too.  Both run on that one field of DELIVER, SEND,
# SENDEXTERNAL, DEFER and FAIL rows, never on other rows.

# Does a new recipient's status start here?  Matched right after a ';' of
# the recipient-status list that is outside any [...] or {...}, and only
# when the row names more than one recipient.  A status starts with a
# basic reply code ("550 5.1.1 ...", "250-..."), with an enhanced code
# standing alone ("5.1.1 ..."), or with an Exchange 2013+ bracketed list
# ("[{LRT=...};{LED=...};...]").  The ';' in "RESOLVER.ADR.RecipNotFound;
# not found" or "QUEUE.Expired; message expired" is followed by none of
# these, so it stays inside its status.
boundary = ^[ \t]*(?:[2-5][0-9][0-9](?:[ -]|$)
	|[245]\.[0-9]{1,3}\.[0-9]{1,3}(?![0-9.])
	|\[\{)

# Exchange 2013 and later write the status of a DEFER or FAIL as a list,
#   [{LRT=2026-11-28T09:58:00.000Z};{LED=451 4.4.0 Primary target IP
#   address responded with: "421 4.4.2 Connection dropped."};{FQDN=};{IP=}]
# (LRT: last retry time, LED: last error details).  The reply that decided
# the attempt is the one opening the LED= value: group "reply" is that
# value, which may hold ';', quotes and quoted replies of the remote host,
# up to the '}' that closes the LED= item.  The host last tried, in the
# {FQDN=} and {IP=} items, is read in C (last_hop in src/fmt_exchange.c)
# with the same rule for where an item ends: a '}' followed by ";{", by
# ']' or by the end of the status.
led = \{LED=(?<reply>.*?)\}(?=;\{|\]|$)
