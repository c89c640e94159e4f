# codes.pat - reading status codes out of an SMTP reply.
#
# Grammar (see src/patterns.h): "name = regex"; lines that start with white
# space continue the pattern above them (the white space is dropped);
# lines starting with # are comments.  Patterns match bytes, not UTF-8.
# Each pattern below runs on the text where a reply starts; the parsers
# find that place.  Required names and groups are listed with each one.

# reply: a reply that opens with its basic code: three digits, the first
# 2 to 5, followed by a space, a '-' (a multi-line reply flattened into
# one line: its first code counts) or the end.  An enhanced code may
# follow, after one more space or '-', a '#' (Exchange and some
# appliances write "550 #5.1.1"), or glued straight to the text
# ("250 2.1.5Recipient OK").  Its class is 2, 4 or 5, subject and detail
# one to three digits, and it must not run on into another digit or dot
# (that is a version number or an address, not a code).
# Groups: basic, enhanced.
reply = ^(?<basic>[2-5][0-9][0-9])(?:[ -]|$)
	(?:[ -]?\#?(?<enhanced>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9.]))?

# enhanced: a reply that carries no basic code but opens with an enhanced
# one (a Postfix cleanup "reject: ... 5.7.1 Blocked").
# Groups: enhanced.
enhanced = ^\#?(?<enhanced>[245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9.])
