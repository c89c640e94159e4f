# exim.pat - Exim mainlog lines that state an event.
#
# Grammar (see src/patterns.h): "name = regex"; lines starting with white
# space continue the pattern above them (the white space is dropped); lines
# starting with # are comments.  Patterns match bytes.  A space that would
# end a line is written [ ] so that no editor can drop it.
#
# fmt_exim.c reads the line prefix (Exim's timestamp with the optional
# +millisec and timezone parts, a syslog or journal prefix whose program
# name contains "exim", a "[pid] "), the message id and the two-character
# flag after it (<= => -> >> == ** *>) with plain byte comparisons: those
# run on every line and need no regex.  The patterns below run only on
# candidates: delivery lines (=> -> >>), deferrals (==), bounces (**) and
# lines that contain "rejected".  A replacement set (--patterns DIR) must
# define the same names and groups.

# reject: this server refusing an SMTP command, matched at the start of
# the message (after the message id, when the line has one):
#   H=host [ip] F=<a> rejected RCPT <b>: reason
#   H=host [ip] F=<a> temporarily rejected RCPT <b>: reason
#   10HmaX-0005vi-00 H=host [ip] F=<a> rejected after DATA: reason
#   H=[ip] rejected connection in "connect" ACL: reason
#   rejected EHLO from [ip]: syntactically invalid argument(s): ...
#   1qwe23-000abc-AB F=<a> H=host [ip] P=esmtp rejected by local_scan(): ...
#   1qwe23-000abc-AB F=<a> rejected by non-SMTP ACL: ...  (a message
#       submitted locally, not over SMTP)
#   SMTP protocol synchronization error (...): rejected "RSET" H=...
# What comes before "rejected" (host, ident, sender) holds no ": "
# outside an <address> (a quoted local part may hold one), so a refusal
# merely quoted inside another message ("sender verify fail for <a>: ...
# rejected", "Warning: ...") does not match; the first " rejected " or
# " temporarily rejected " ends it.  The command word must follow: a
# reason such as "550 content rejected" is not a refusal.  Every
# repetition is possessive or atomic and an <address> stops at the next
# '<', so a hostile 64 KiB line costs one linear scan.
# local_scan()'s time-outs and crashes ("local_scan() function timed out -
# message temporarily rejected (size 2345)") are refusals too, in a fixed
# wording with no command: fmt_exim.c reads them, not this pattern.
# Groups: reason (the text after the first ": " that follows the command
# and its argument; an <address> may hold ": " itself; unset when the
# line gives no reason); command (the refused command, RCPT, MAIL, "after
# DATA" ...: after RCPT comes the recipient; optional in a replacement
# set, whose refusals then name no recipient).
reject = ^(?:(?>[^: <]++|<[^<>]*+>|<|:(?![ ])
	|[ ](?!(?:temporarily[ ])?rejected[ ]))*+[ ])?
	(?:SMTP[ ]protocol[ ]synchronization[ ]error[ ]\([^)]*+\):[ ])?
	(?:temporarily[ ])?rejected[ ]
	(?<command>RCPT|MAIL|DATA|BDAT|EHLO|HELO|VRFY|EXPN|ETRN|ATRN|AUTH|STARTTLS
	|RSET|NOOP|HELP|QUIT|NOTQUIT|PREDATA|MAILAUTH|MIME|DKIM|PRDR
	|after[ ]DATA|during[ ]MIME|connection|by[ ]local_scan\(\)
	|by[ ]non-SMTP[ ]ACL|"[^"]*+")(?![A-Za-z0-9_])
	(?:(?>[^:<]++|<[^<>]*+>|:(?![ ])|<)*+:[ ](?<reason>))?

# reason: where the reason of a deferral or a bounce starts, matched on
# the text after the "== " or "** " flag: after the first ": " that is
# not inside an <address>.
#   userx@example.com R=dnslookup T=remote_smtp defer (-44) H=mx [ip]: ...
#   userx@example.com R=r1 T=t1 : Unrouteable address
#   userx@example.com: retry timeout exceeded
# Groups: reason.
reason = ^(?>[^:<]++|<[^<>]*+>|:(?![ ])|<)*+:[ ](?<reason>)

# reply: where a reply from another server starts, searched for anywhere
# in the text after the flag (deferrals, bounces) or in the reason of a
# refusal (a callout's answer):
#   SMTP error from remote mail server after RCPT TO:<a>: 451 4.7.1 ...
#   SMTP error from remote mail server after MAIL FROM:<a> SIZE=1234:
#       host mx.example.net [192.0.2.1]: 421 ...      (older releases)
#   SMTP error from remote mailer after ...: 550 ...  (older releases)
#   LMTP error after DATA: 440 ...
#   PRDR error after DATA: 550 ...
#   response to "RCPT TO:<a>" from mx.example.net [192.0.2.1] was: 550 ...
# The first such opening decides: (*COMMIT) stops the search there when
# the rest does not follow, which also keeps a hostile line that repeats
# the opening from costing a quadratic scan.
# Exim's own texts that quote a reply are deliberately not here: a reply
# that Exim found malformed ("Malformed SMTP reply in response to ...:
# 550 ..."), "(EHLO response was: 550 ...)" on a lost connection, and a
# router's :fail: text.  Exim's "defer (-44)" is an internal error number.
# Groups: reply.
reply = (?:SMTP[ ]error[ ]from[ ]remote[ ](?:mail[ ]server|mailer|server)
	[ ]after[ ](*COMMIT)(?:[^:]++|:(?![ ]))*+:[ ]
	(?:host[ ][^ ]++[ ]\[[^\]]*+\]:[ ])?
	|(?:LMTP|PRDR)[ ]error[ ]after[ ](*COMMIT)(?:[^:]++|:(?![ ]))*+:[ ]
	|response[ ]to[ ]"(*COMMIT)[^"]*+"(?:[ ]from[ ][^ ]++[ ]\[[^\]]*+\])?
	[ ]was:[ ])(?<reply>)

# confirm: the next hop's confirmation on a delivery, C="250 ...", logged
# when the delivery went over SMTP or LMTP (log selector smtp_confirmation,
# on by default).  A delivery without it has no code.
# Groups: reply (inside the quotes).
confirm = [ ]C="(?<reply>[^"]*+)

# expired: the wordings with which Exim gives up on an address because it
# has been failing for too long (retry.c and the smtp transport); a "**"
# line that carries one of them is counted as expired, not bounced.
expired = retry[ ]timeout[ ]exceeded
	|have[ ]been[ ]failing[ ]for[ ]a[ ]long[ ]time
	|retry[ ]time[ ]not[ ]reached[ ]for[ ]any[ ]host[ ]after[ ]a[ ]long
	[ ]failure[ ]period

# session: a time-out once the connection was open.  Exim writes the
# system's "Connection timed out" in front of it, but a connection that
# timed out waiting for the greeting or a reply did open, so it is not a
# failure to connect (Postfix words the same case "conversation with ...
# timed out while ...", without "connect to").
#   defer (dd): Connection timed out H=mx [ip]: SMTP timeout after RCPT TO:<a>
#   defer (dd): Connection timed out: SMTP timeout after initial connection
session = SMTP[ ]timeout[ ]after[ ]
