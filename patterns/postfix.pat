# postfix.pat - Postfix lines that state an event.
#
# Grammar (see src/patterns.h): "name = regex"; lines starting with white
# space continue the pattern above them (the white space is dropped); lines
# starting with # are comments.  Patterns match bytes.  fmt_postfix.c only
# runs them on lines that contain "status=" or "reject:" (its prefilter;
# when the run joins, syslog also finds the message of qmgr's arrival and
# "removed" lines), and reads the groups named below; a replacement set
# (--patterns DIR) must define the same names and groups.  The fields of
# the event record (to=, relay=, delay=, the refused client, from=) are
# read in C from where these patterns leave off, not by patterns.
#
# syslog, delivery and outcome, as written here, are also read in C for
# speed (src/postfix_fast.c); the C is used only while these three
# patterns are exactly its copies of them.  Edit one and the other
# together: tests/check_postfix_fast.c fails until they agree again.

# syslog: the prefix in front of the message, in the dialects syslog
# daemons write:
#   an optional <priority> as a syslog server receives it ("<22>"), and
#     RFC 5424's version after it ("<22>1 ");
#   an optional timestamp, kept in group stamp: classic "Nov  8 10:00:00",
#     with a year after the day or before the month ("Nov 28 2026 ...",
#     "2026 Nov 28 ..."), or RFC 3339 "2026-11-28T10:00:00.123+01:00"
#     (also with a space for the T, and after a weekday as journalctl -o
#     short-full writes it: "Sat 2026-11-28 10:00:00 CET"); a fraction;
#     then perhaps a zone after a space ("+0100", "-05:00", "UTC", "GMT",
#     "CET", "CEST": UTC or three to five capitals ending in T);
#   up to seven more words: the host name, a central server's own stamp
#     and host in front of the sender's, a facility such as <mail.info>,
#     or a templated or missing date in an extract;
#   the program: a name that contains "postfix" with optional /service
#     parts ("postfix-out/smtp", "postfix/submission/smtpd"), then an
#     optional [pid] and ": ", and perhaps Solaris's message tag
#     ("[ID 197553 mail.info] "); or, in RFC 5424, the name followed by
#     the pid (or -), the message id, the structured data (- or
#     [elements]), a space and perhaps a byte order mark.
# Where this does not match, the whole line is taken as the message
# (extracts that keep only the message part).
# Groups: stamp, msg.
syslog = ^(?:<[0-9]{1,3}>(?:[0-9]{1,2}[ ])?)?
	(?:(?<stamp>(?:(?:[A-Z][a-z]{2} +[0-9]{1,2}(?: [0-9]{4})?
	|[0-9]{4} [A-Z][a-z]{2} +[0-9]{1,2}) [0-9]{2}:[0-9]{2}:[0-9]{2}
	(?:\.[0-9]+)?
	|(?:[A-Z][a-z]{2} )?[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}
	:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)
	(?:[ ](?:[+-][0-9]{2}:?[0-9]{2}|UTC|[A-Z]{2,4}T))?)[ \t]+)?
	(?:[^ \t]++[ \t]++){0,7}?
	[A-Za-z0-9._-]*?postfix[A-Za-z0-9._-]*+(?:/[A-Za-z0-9._-]++)*+
	(?:(?:\[[0-9]++\])?:[ \t]++(?:\[ID [0-9]++ [a-z0-9]++\.[a-z]++\]
	[ \t]++)?
	|[ ](?:[0-9]++|-) [^ \t]++ (?:-|(?:\[(?:[^\]"\\]++
	|"(?:[^"\\]++|\\(?s:.))*+")*+\])++) (?:\xEF\xBB\xBF)?)(?<msg>)

# delivery: a queue manager or delivery agent record with a status,
#   "QUEUEID: to=<rcpt>, ..., dsn=X.Y.Z, status=sent (reply or text)" or
#   "QUEUEID: from=<sender>, status=expired, returned to sender", or, in
#   an anonymised or hand-edited log that lost its to=,
#   "QUEUEID: relay=..., delay=..., dsn=X.Y.Z, status=sent (...)",
# read in two parts.  delivery is the head: the queue id and a field name
# ([a-z_]+=), taken in through its "=" when it is to= or from= (an
# address follows).  outcome is matched from the start of the field
# before the first ", status=" that follows the head (fmt_postfix.c finds
# it), so that no pattern walks the fields in between at a step per byte:
# that field is either the dsn (very old versions do not log one) or any
# other field.
# Groups: delivery: qid; outcome: dsn, status, text (empty: it marks where
# the text inside the parentheses starts; the text runs to the end of the
# line).  outcome must start with \G (match where it is started).
delivery = ^(?<qid>[0-9A-Za-z]{5,}+): (?=[a-z_]++=)(?:(?:to|from)=)?
outcome = \G(?:dsn=(?<dsn>[0-9.]++), |[^,]*+, )status=(?<status>[A-Za-z-]++)
	(?:,? \((?<text>))?

# reject: this server refusing a command (smtpd, postscreen, cleanup,
# milters and before-queue proxies).  The reply follows the client part:
#   QUEUEID|NOQUEUE: reject: RCPT from host[addr]: 550 5.1.1 ...
#   NOQUEUE: reject: RCPT from [addr]:port: 550 ...          (postscreen)
#   QUEUEID: milter-reject: END-OF-MESSAGE from host[addr]: 5.7.1 ...
#   NOQUEUE: proxy-reject: END-OF-MESSAGE: 554 5.7.0 ...
#   QUEUEID: reject: header Subject: ... from host[addr]; from=<a> to=<b>
#       proto=ESMTP helo=<h>: 5.7.1 message content rejected  (cleanup)
# reject_warning: lines are not refusals and do not match.  Extracts that
# kept only part of the message may lack the queue id.
# Groups: qid (may not take part), reply.  The reply runs to the end of
# the line; (?s) lets PCRE2 jump there instead of stepping over each byte
# (a line never holds a newline, so nothing else changes).
reject = ^(?:(?<qid>[0-9A-Za-z]{5,}|NOQUEUE): )?(?:milter-|proxy-)?reject:[ ]
	(?:(?:header|body|mime-header|nested-header) .*?; from=<[^>]*>
	(?: to=<[^>]*>)?(?: proto=[^ ]+)?(?: helo=<[^>]*>)?:[ ]
	|[A-Z][A-Z-]*(?: from [^ \[]*\[[^\]]*\](?::[0-9]+)?)?: )
	(?<reply>(?s:.*))
