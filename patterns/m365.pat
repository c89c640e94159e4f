# m365.pat - Microsoft 365 (Exchange Online) message trace exports.
#
# The CSV is split in C (src/csvhdr.c) and the columns, statuses and event
# names are compared in C; the extended report is read by the Exchange
# parser (its rows are tracking-log rows, with exchange.pat).  This
# pattern reads only the Detail column of a Fail or Defer row of
# Get-MessageTraceDetail, never other rows.

# The Detail of a failed delivery carries the last error as a list,
#   Reason: [{LED=550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not
#   found by SMTP address lookup};{MSG=};{FQDN=};{IP=};{LRT=}]
# (LED: last error details).  The reply that decided it opens the LED=
# value: group "reply" is that value, which may hold ';', quotes and
# braces, up to the '}' that closes the LED= item: a '}' followed by ";{",
# by ']' or by the end of the text.  The {FQDN=} and {IP=} items, the host
# last tried, are read in C with the same rule (src/fmt_m365.c).
led = \{LED=(?<reply>.*?)\}(?=;\{|\]|$)
