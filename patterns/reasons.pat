# reasons.pat - why an event failed: rules from an event to a reason.
#
# Grammar (see src/patterns.h): this set holds table rows, "keyword:
# fields"; lines starting with white space continue the row above (the
# white space is dropped and the rest appended as it is, so continue only
# the text regex); lines starting with # are comments.
#
# command: NAME text=REGEX
#   The SMTP command a reply answered, told by its wording: Postfix
#   "(in reply to RCPT TO command)", or Exim's "after RCPT TO:<...>" in a
#   pasted reply.  NAME is conn (greeting), helo, mail, rcpt or data.  The
#   first command row that matches decides; a reply that matches none
#   answered "none".  The Exim reader states the command itself (what
#   its "after ..." names, or the command a refusal names: STARTTLS and
#   AUTH count as none), and then these rows are not read.
#
# reason: NAME [key=value]... [text=REGEX]
#   A rule.  The first rule, in file order, whose conditions all hold
#   gives the event its reason; NAME is one of Sisimai's 34
#   (../shared/reasons/taxonomy.md).  Conditions (a list is comma
#   separated; any item may match):
#     kind=   deferred, bounced, expired, rejected; out (the first three:
#             mail this server sent), in (rejected: this server refusing
#             a client)
#     class=  4 or 5: the reply's class (the basic code's first digit,
#             else the enhanced code's)
#     code=   550 (basic), 55x or 5xx (x: any digit), 5.7.1 (enhanced),
#             5.7. (any enhanced code that starts so), none (no code)
#     cmd=    none, conn, helo, mail, rcpt, data (see command:)
#     host=   the remote server's name ends with one of these (at a dot);
#             refusals have a client, not a server: never matched by them
#     text=   a PCRE2 regex, caseless, matched anywhere in the reply; it
#             runs to the end of the row (continuation lines included)
#   and what the rule adds to the verdict (quote values with spaces):
#     name=   the blocklist or provider the reply names
#     url=    its lookup, delisting or help page
#     label=  what fired, in words (--explain shows it)
#     hint=   a hint that replaces the reason's own
#   A reply matching nothing gets onhold; an event without a reply
#   undefined.  Hard or soft follows from the reason (taxonomy.md):
#   userunknown, hostunknown and hasmoved are hard, notaccept is hard
#   unless its reply is of class 4.
#
# Cost: each text is read once, at load, for the literal strings that its
# alternatives match (small alternations, optional parts, [ab] classes and
# \b ^ $ are expanded) or at least need; one pass over a failure's reply
# finds them all, and settles most texts without PCRE2.  An alternative
# whose literals are found but that holds more (.{0,40}, lookarounds,
# \S+, a large class) is left to PCRE2: the undecided alternatives of a
# reply are joined into one pattern, matched once, and only when the
# first rule standing depends on one of them.  Keep alternatives plain
# phrases where you can; one without a literal of three bytes or more is
# run on every reply.  A text may not use back references, named groups,
# recursion or callouts (the texts are joined).  At most 255 rows carry
# text.  Patterns match bytes.
#
# The wordings come from the providers' own postmaster pages and from
# replies seen in logs; every label and hint is the project's own.

# ---------------------------------------------------------------- commands
command: conn text=initial (?:server )?greeting|refused to talk to me|after initial connection|
	after connect|after banner|(?:in reply to|after) QUIT
command: helo text=in reply to [EH]{2}LO command|after [EH]{2}LO\b|my name was rejected
command: mail text=in reply to MAIL FROM command|after MAIL FROM\b|\[MAIL_FROM\]
command: rcpt text=in reply to RCPT TO command|after RCPT TO\b|did not like our RCPT|
	does not like recipient|\[RCPT_TO\]|SMTP:RCPT host
command: data text=in reply to (?:end of )?DATA command|after (?:end of data|DATA)\b|
	did not like our final DATA|failed after I sent the message

# A reply of class 2 is a success, whatever the log called it.
reason: delivered code=2.

# ------------------------------------------------------------ blocklists
# A refusal that names a DNS blocklist: the list, and where to look the
# address up.  Refusals (kind=in) get the restriction described for this
# server's administrator; mail this server sent gets the delisting hint.
reason: blocked name="Spamhaus PBL" url=https://check.spamhaus.org/ label="listed on the Spamhaus Policy Block List (dynamic or end-user address range)" text=
	pbl\.spamhaus|spamhaus\.org/pbl|spamhaus\.org/query/bl\?ip=.*pbl
reason: blocked name="Spamhaus XBL" url=https://check.spamhaus.org/ label="listed on the Spamhaus Exploits Block List (infected or hijacked host)" text=
	xbl\.spamhaus|cbl\.abuseat
reason: blocked name="Spamhaus SBL" url=https://check.spamhaus.org/ label="listed on the Spamhaus Block List (spam source)" text=
	sbl\.spamhaus|spamhaus\.org/sbl
reason: blocked name="Spamhaus DBL" url=https://check.spamhaus.org/ label="a domain in the message is on the Spamhaus Domain Block List" text=
	dbl\.spamhaus
reason: blocked name="Spamhaus ZEN" url=https://check.spamhaus.org/ label="listed on Spamhaus (ZEN combines SBL, XBL and PBL)" text=
	zen\.spamhaus|spamhaus
reason: blocked name="Barracuda Reputation Block List" url=https://www.barracudacentral.org/lookups label="listed on Barracuda's reputation list" text=
	barracudacentral|barracuda reputation|barracudanetworks\.com/reputation
reason: blocked name="SpamCop" url=https://www.spamcop.net/bl.shtml label="listed on the SpamCop blocking list" text=
	spamcop
reason: blocked name="SORBS" url=http://www.sorbs.net/ label="listed on SORBS (the list closed in 2024: a receiver still querying it is misconfigured)" text=
	sorbs\.net|\bSORBS\b
reason: blocked name="UCEPROTECT" url=https://www.uceprotect.net/en/rblcheck.php label="listed on UCEPROTECT (levels 2 and 3 list whole networks)" text=
	uceprotect
reason: blocked name="PSBL" url=https://psbl.org/ label="listed on the Passive Spam Block List" text=
	psbl\.surriel|\bPSBL\b
reason: blocked name="Mailspike" url=https://mailspike.io/ label="listed on Mailspike" text=
	mailspike
reason: blocked name="Abusix Mail Intelligence" url=https://lookup.abusix.com/ label="listed on Abusix Mail Intelligence" text=
	abusix
reason: blocked name="Cloudmark CSI" url=https://csi.cloudmark.com/en/reset/ label="listed by Cloudmark Sender Intelligence" text=
	cloudmark
reason: blocked name="Invaluement" url=https://www.invaluement.com/lookup/ label="listed on Invaluement" text=
	invaluement|ivmSIP
reason: blocked name="SURBL/URIBL" url=https://www.surbl.org/surbl-analysis label="a link or domain in the message is on a URI blocklist" text=
	surbl\.org|uribl\.com
reason: blocked name="Microsoft (S3150/S3140)" url=https://olcsupport.office.com/ label="Outlook.com blocks the sending network (S3150/S3140)" text=
	\(A?S31[45]0\)|\bA?S31[45]0\b
reason: blocked name="Microsoft 365" url=https://sender.office.com/ label="Microsoft 365 banned the sending IP (5.7.606-649)" text=
	banned sending IP|sender\.office\.com
reason: blocked name="Microsoft (Outlook.com)" url=https://olcsupport.office.com/ label="Outlook.com refuses the sending network or IP" text=
	weren't sent\. Please contact your Internet service provider|\b(?:SC|DY|OU)-00[0-9]\b|
	traffic not accepted from this IP
# Proofpoint's PDR FAQ (proofpoint.com/us/support-services/ip-blocked-faq):
# an IP is delayed for a while, or blocked until it stops, because spam
# came from it; its replies point to the IP check page.
reason: blocked name="Proofpoint" url=https://ipcheck.proofpoint.com/ label="Proofpoint Dynamic Reputation delays or blocks the sending IP (spam was seen from it)" text=
	ipcheck\.proofpoint|proofpoint\.com/dnsbl
# Cisco Secure Email (IronPort): the BLOCKED mail flow policy answers a
# sender group chosen by the Talos (SenderBase) reputation score with a
# 5xx at connection (cisco.com, ESA document 118214): a score, not a list.
reason: badreputation name="Cisco Talos / SenderBase" url=https://talosintelligence.com/reputation_center label="Cisco Secure Email (IronPort) refuses the sending IP for its Talos reputation score" text=
	senderbase|talosintelligence
reason: badreputation name=Yahoo url=https://senders.yahooinc.com/smtp-error-codes/ label="Yahoo defers you for complaints, volume or reputation (TSS04, TS01, TS02)" text=
	unexpected volume or user complaints|deferred due to user complaints|\[TSS04\]|\[TS0[12]\]
reason: blocked name="Yahoo" url=https://senders.yahooinc.com/smtp-error-codes/ label="Yahoo refuses the sending IP" text=
	\[TS0[0-9]\]|\[TSS0[0-9]\]|\[BL2[0-9]\]|\[RL0[0-9]\]
reason: blocked kind=in label="a DNS blocklist lists the client" text=blocked using |(?:is |are )?listed (?:at|in|on|by) [a-z0-9-]+\.[a-z]

# ------------------------------------------------------- providers (Gmail)
reason: speeding host=google.com,googlemail.com name=Gmail url=https://support.google.com/a/answer/3726730 label="Gmail limits the rate for this recipient, or of your mail" text=
	receiving (?:e-?)?mail (?:at a rate that|too quickly)|ReceivingRate|unusual rate of (?:e-?)?mail\b
reason: badreputation name=Gmail url=https://support.google.com/a/answer/3726730 label="Gmail rate-limits or blocks your IP or domain for unsolicited mail or low reputation" text=
	unusual (?:rate|amount) of (?:[0-9. -]+)?unsolicited (?:e-?)?mail|UnsolicitedRateLimit|low reputation of the sending|
	suspicious due to the very low reputation
# Gmail's bulk sender rules (4.7.23-4.7.40, 5.7.23-5.7.40), worded so that no
# other rule is needed: authentication, TLS, and Workspace sending limits.
reason: authfailure label="SPF, DKIM or DMARC did not pass (Gmail's sender requirements)" text=
	(?:SPF|DKIM) authentication didn't pass|didn't pass (?:SPF|DKIM) authentication|doesn't have a DMARC record|
	isn't aligned with either the authenticated|SPF record of the sending domain has one or more suspicious|
	fails to pass SPF checks|rate limited because it is unauthenticated
reason: securityerror label="the receiver requires TLS (Gmail's sender requirements)" text=
	not using a TLS connection|wasn't sent over a TLS connection|TLS required for RCPT domain
reason: speeding label="a daily or relay sending limit of your account" text=
	sending (?:quota|limit) exceeded|relay (?:sending )?limit exceeded|Peak SMTP relay limit|Submission quota exceeded
reason: suspend name=Gmail label="the Gmail account is disabled or inactive" text=account that you tried to reach is (?:disabled|inactive)|
	\?p=DisabledUser
reason: mailboxfull name=Gmail label="the Gmail mailbox is over its storage quota" text=out of storage space|\?p=OverQuota
reason: notcompliantrfc name=Gmail url=https://support.google.com/a/answer/3726730 label="the message breaks RFC 5322 (Gmail checks headers strictly)" text=
	multiple (?:[0-9. -]+)?addresses in (?:the )?From|not RFC ?5322 compliant|RfcMessageNonCompliant|
	missing a valid (?:Message-ID|address in the From)|multiple (?:Subject|From|To|Date) headers|
	unicode character in a disallowed header|Encoded-word syntax is not permitted|must be RFC ?5322
reason: blocked host=google.com,googlemail.com name=Gmail url=https://support.google.com/a/answer/3726730 label="Gmail does not take mail directly from this IP" text=
	not authorized to send email directly to our servers|IPv6 sending guidelines|IP not in whitelist for RCPT domain
reason: spamdetected host=google.com,googlemail.com name=Gmail url=https://support.google.com/mail/answer/188131 label="Gmail judged the message unsolicited" text=
	likely unsolicited (?:e-?)?mail|\?p=UnsolicitedMessageError|suspicious due to the nature of the content
reason: policyviolation host=google.com,googlemail.com name=Gmail url=https://support.google.com/mail/answer/6590 label="Gmail blocks content that may be a security risk" text=
	content presents a potential|\?p=BlockedMessage
reason: speeding class=4 host=google.com,googlemail.com name=Gmail url=https://support.google.com/a/answer/3726730 label="Gmail defers you (a rate limit: 421 4.7.0 Try again later)" text=
	try again later, closing connection

# --------------------------------------------- providers (Microsoft 365)
reason: userunknown name="Microsoft 365" label="Exchange/Microsoft 365 has no such recipient" text=
	RESOLVER\.ADR\.Recip(?:ient)?NotFound|RecipNotFound
reason: mesgtoobig name="Microsoft 365" label="the message exceeds the recipient's size limit" text=RecipSizeLimit|MaxMessageSize
reason: securityerror name="Microsoft 365" label="the recipient requires an authenticated sender" text=RESOLVER\.RST\.AuthRequired|NotAuthenticated
reason: badreputation name="Microsoft" url=https://sendersupport.olc.protection.outlook.com/pm/ label="Microsoft rate-limits your IP for its reputation (4.7.650)" text=
	rate limited due to IP reputation|4\.7\.65[0-9]
reason: authfailure name="Microsoft 365" url=https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online label="DMARC or sender authentication failed at Microsoft 365" text=
	5\.7\.5(?:09|15)|does not pass DMARC|required authentication level
reason: userunknown kind=out cmd=rcpt code=5.4.1,5.7.1,554,550 name="Microsoft 365" label="Directory-based edge blocking: the recipient does not exist" text=
	Recipient address rejected: Access denied
reason: rejected name="Microsoft 365" label="Microsoft 365 bans the sender address (5.7.511)" text=banned sender\b
reason: blocked name="Microsoft 365" url=https://sender.office.com/ label="Microsoft 365 refuses the sending network or domain (5.7.501, 5.7.750)" text=
	spam abuse detected from IP range|Client blocked from sending from unregistered domains
reason: policyviolation name="Microsoft 365" label="the recipient's organisation forbids external forwarding" text=5\.7\.520|does not allow external forwarding
reason: expired name="Microsoft 365" label="Exchange gave up on the message" text=QUEUE\.Expired|Message expired
reason: mailboxfull name="Microsoft 365" label="the Exchange mailbox is full" text=STOREDRV\.Deliver: mailbox full|QuotaExceeded

# ----------------------------------------------- providers (Yahoo, AOL)
reason: policyviolation name=Yahoo url=https://senders.yahooinc.com/smtp-error-codes/ label="Yahoo's policy refused the message" text=
	not accepted for policy reasons
reason: suspend name=Yahoo label="the Yahoo account is disabled" text=account has been disabled or discontinued
reason: userunknown code=554 name=Yahoo label="Yahoo has no such account" text=doesn't have a \S+ account
reason: rejected name=Yahoo url=https://senders.yahooinc.com/smtp-error-codes/ label="Yahoo finds no domain for the MAIL FROM or From: address" text=
	unresolvable RFC\.?532[12] from domain

# ----------------------------------------- providers (Apple, GMX, Orange ...)
reason: policyviolation name=iCloud url=https://support.apple.com/en-us/102322 label="iCloud's local policy refused the message" text=
	\[(?:CS|HM)0[0-9]\]|rejected due to local policy
reason: requireptr name="GMX/web.de" url=https://postmaster.gmx.net/en/error-messages label="GMX and web.de need a PTR record for the sending IP" text=
	Bad DNS PTR resource record
reason: blocked name="GMX/web.de" url=https://postmaster.gmx.net/en/error-messages label="GMX and web.de refuse the sending IP" text=
	Nemesis ESMTP Service not available|postmaster\.(?:gmx|web)\.(?:net|de)
# Orange (postmaster.orange.fr): OFR codes, bilingual texts.  OFR004_104
# is the connection limit; the other OFR codes (OFR004_105 and OFR_999
# "Service refuse", OFR006 "Adresse IP source bloquee") refuse the IP.
reason: spamdetected name=Orange url=https://postmaster.orange.fr/ label="Orange judged the message spam" text=OFR_506|Mail rejete
reason: toomanyconn name=Orange url=https://postmaster.orange.fr/ label="Orange: too many connections from the sending IP" text=OFR004_104|trop de connexions
reason: blocked name=Orange url=https://postmaster.orange.fr/ label="Orange refuses the sending IP (service refused or IP blocked)" text=OFR_?[0-9]+|mwinf[0-9a-z]+ ME
reason: spamdetected name="Mail.ru" url=https://help.mail.ru/mail/postmaster label="Mail.ru judged the message spam" text=spam message rejected|notspam-support
reason: suspend name="Mail.ru" label="the Mail.ru mailbox is disabled" text=account is disabled|Mailbox is frozen
# Yandex's non-delivery table (yandex.com/support/mail/bounces/yandex.html).
reason: spamdetected name=Yandex url=https://yandex.com/support/mail/bounces/yandex.html label="Yandex judged the message spam" text=under suspicion of SPAM
reason: blocked name=Yandex url=https://yandex.com/support/mail/bounces/yandex.html label="Yandex blocks the sending host for a day after spam from it" text=
	Blocked by spam statistics|spamsource\.yandex
reason: suspend name=Yandex url=https://yandex.com/support/mail/bounces/yandex.html label="Yandex blocked the recipient's account (terms of use)" text=
	Policy rejection on the target address
reason: mailboxfull name=Yandex url=https://yandex.com/support/mail/bounces/yandex.html label="the Yandex mailbox is full" text=Mailbox size (?:limit )?exceeded
reason: userunknown kind=out name=Yandex url=https://yandex.com/support/mail/bounces/yandex.html label="Yandex has no such address" text=
	Bad recipient address syntax|Bad address mailbox syntax|No correct recipients
# Zoho: ZeptoMail's SMTP error table (zoho.com/zeptomail/help/api/
# smtp-error-codes.html) and Zoho Mail's usage policy (zoho.com/mail/help/
# usage-policy.html: unusual sending activity restricts an account).
reason: authfailure name=Zoho label="Zoho refused the message by the sender domain's DMARC policy" text=rejected per DMARC policy
reason: filtered name=Zoho label="a filter of the recipient's domain at Zoho refused the message" text=
	Mail rejected by destination domain|Mailbox delivery (?:restricted by|failure) policy
reason: speeding name=Zoho url=https://www.zoho.com/mail/help/usage-policy.html label="Zoho restricted the sending account for unusual activity (volume, bounces, recipients)" text=
	Unusual sending activity
reason: rejected name=Zoho url=https://www.zoho.com/zeptomail/help/api/smtp-error-codes.html label="Zoho does not let this account send from that address's domain" text=
	Relaying disallowed as
reason: mesgtoobig name=Zoho url=https://www.zoho.com/zeptomail/help/api/smtp-error-codes.html label="the message exceeds the account's size policy" text=
	Email size exceeded the policy
reason: policyviolation name=Zoho url=https://www.zoho.com/zeptomail/help/api/smtp-error-codes.html label="Zoho requires a Subject:" text=
	Subject is Mandatory
reason: spamdetected name=Mimecast url=https://mimecastsupport.zendesk.com/hc/en-us/articles/34000709564691-Policies-Mimecast-SMTP-Error-Codes label="Mimecast's spam checks refused the message" text=
	Mimecast'?s? spam|spam engine|spam signature
reason: rejected name=Mimecast url=https://mimecastsupport.zendesk.com/hc/en-us/articles/34000709564691-Policies-Mimecast-SMTP-Error-Codes label="Mimecast blocks the envelope sender" text=
	Envelope blocked|Anti-Spoofing
reason: policyviolation name=Mimecast url=https://mimecastsupport.zendesk.com/hc/en-us/articles/34000709564691-Policies-Mimecast-SMTP-Error-Codes label="Mimecast's policy refused the message" text=
	rejected due to security policies|Attachment (?:Policy|Management)
reason: badreputation name="Cisco IronPort" url=https://talosintelligence.com/reputation_center label="IronPort refuses the sending MTA for its reputation" text=
	poor reputation|sending MTA's poor|reputation of the sending|due to IP reputation|reputation (?:score|block)
reason: spamdetected name=Barracuda label="Barracuda judged the message spam (UBE)" text=\bUBE\b|Barracuda.*spam

# ------------------------------------------------------ generic wording
reason: delivered code=2.
# Exim did not try: the host, the domain's routing or the address failed
# before and its retry time has not come ("retry time not reached [for
# any host for 'example.com']").  The hold names no cause; the failure
# before it does, and may be in another part of the log (or an earlier
# log), so the hold stays onhold and says where to look.
reason: onhold kind=deferred,bounced label="Exim's retry hold: an earlier failure of this host or domain, not this attempt" hint="Exim did not try this time: the host, domain or address failed before and waits for its retry time. The cause is that earlier failure: look for the last deferral to this domain in the log, or ask Exim (exinext DOMAIN, exim -brt DOMAIN)." text=
	retry time not (?:yet )?reached
reason: spamdetected text=rejected due to spam|spam classification|classified as spam|scored as spam|looks like spam|
	(?:is|was|as) spam\b|spam detected|spam content|blocked for spam|spam score|high spam
reason: virusdetected text=virus|malware|infected|\bmalicious
reason: mailboxfull text=mailbox (?:is )?full|mailbox.{0,40}quota|over ?quota|quota (?:exceeded|exceed)|exceeded storage|
	storage quota|insufficient (?:disk )?space in mailbox|mail ?folder is full|mailbox size limit|
	mailbox exceeds|messages in recipient's mailbox exceeded|mailbox has exceeded|user has exceeded|
	mailbox for user is full|account is over quota|full mailbox|disk quota
reason: exceedlimit code=5.2.3,4.2.3
reason: mesgtoobig text=message (?:is )?too (?:big|large)|message size exceeds|size limit|exceeds? (?:the )?(?:maximum|max) (?:message )?size|
	line limit exceeded|message length exceeds|too much data|mail too large
reason: suspend text=account (?:is |has been )?(?:disabled|suspended|inactive|locked|frozen|deactivated)|
	mailbox (?:is )?(?:disabled|suspended|inactive|locked|frozen)|recipient suspend|user account disabled|
	mailbox unavailable \(disabled
reason: hasmoved text=no longer on server|has been replaced by|not our (?:user|customer)|has moved|moved permanently|
	left the (?:company|organi[sz]ation)|no longer (?:with|employed|works)
reason: norelaying text=relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)|unable to relay|
	relay not (?:permitted|allowed)|we do not relay|not allowed to relay|no relaying|
	email address is not verified
reason: requireptr text=PTR record|reverse DNS|\brDNS\b|reverse (?:host ?name|lookup)|
	cannot find your (?:reverse )?hostname|IP name lookup failed|unverifi?[ay]a?ble sending IP|
	mismatches client ip|invalid RDNS|valid sender domain|no PTR|client host name .* not resolve
reason: contenterror text=8-bit data|improperly-formatted|BareLinefeedsAreIllegal|binary content|duplicate header|malformed (?:header|message|MIME)|
	invalid header|header too long|too many headers
reason: mailererror text=x-unix|pipe to \||procmail|command output|Command died|mailer error
reason: authfailure text=DMARC|\bDKIM\b|SPF (?:record|fail|check|valid|softfail|hardfail)|Bad SPF|per it'?s SPF|
	\bSPF\b.{0,30}(?:fail|not pass|n't pass)|Sender Policy Framework|sender is unauthenticated|unauthenticated email|authentication checks failed|
	not (?:allowed|authorized|permitted) to send (?:mail )?(?:from|on behalf|as)|ARC validation|spf\.pobox
reason: contenterror code=4.6.,5.6.
reason: spamdetected text=spam|\bUCE\b|junk mail|bulk mail|content (?:rejected|refused)|message content|
	rejected due to content|scored as|phishing
reason: toomanyconn text=too many (?:connections|concurrent|simultaneous|sessions)|connection (?:rate|frequency|count) limit|
	frequency limited|too many recipients|too many rcpt
reason: speeding text=rate limit|too many messages|try again slower|sending too fast|too fast|too much mail|
	exceeded (?:the )?(?:hourly|daily|message) (?:limit|quota)|daily relay quota|limit exceeded|throttl
reason: blocked kind=out label="greylisting" hint="The receiver greylists new senders: the queue's next retry, a few minutes on, normally gets through. Nothing to fix unless it keeps failing after an hour." text=
	greylist|graylist|try again in \d+ seconds
reason: blocked kind=in label="greylisting" hint="This server (or its policy service) greylisted the client: legitimate servers retry and pass; clients that never retry were spamware." text=
	greylist|graylist

# Refusals by this server: the restriction that fired.
reason: requireptr kind=in label="the client has no valid reverse DNS (reject_unknown_client_hostname)" text=
	cannot find your (?:reverse )?hostname|Client host rejected: cannot find
reason: blocked kind=in label="the client's HELO name was refused (smtpd_helo_restrictions)" text=
	Helo command rejected|HELO/EHLO
reason: rejected kind=in label="the sender address was refused (smtpd_sender_restrictions or sender verification)" text=
	Sender address rejected|sender verify fail|verification failed for <|Unrouteable sender|sender domain
reason: hostunknown kind=in label="the recipient domain does not resolve" text=Recipient address rejected: Domain not found
reason: userunknown kind=in label="no such local recipient (local, virtual or relay recipient table)" text=
	User unknown|unknown user|no such user|Unrouteable address|not found in (?:local|virtual)|
	recipient (?:address )?unknown|invalid recipient|mailbox unavailable
reason: syntaxerror kind=in label="the client broke the SMTP protocol (pipelining, bad syntax, non-SMTP command)" text=
	improper use of SMTP command pipelining|Protocol error|syntax error|syntactically invalid|
	non-SMTP command|synchronization error|bad command|command not recognized|unrecognized command
reason: securityerror kind=in label="the client must authenticate or use TLS first" text=
	authentication required|Must issue a STARTTLS|not logged in|Encryption required|STARTTLS first
reason: blocked kind=in label="a client access rule refused it (check_client_access, reject)" text=
	Client host rejected|Access denied|blocked
reason: policyviolation kind=in label="an access rule of this server refused the recipient or message" text=
	Recipient address rejected|rejected by|policy|not accepted|Data command rejected

# Mail this server sent: the recipient.
reason: securityerror text=authentication required|SMTP Authentication|unauthenticated senders|must authenticate
reason: rejected cmd=mail text=does not exist|unknown|not found|rejected|invalid|verif|unrout|no such|denied|
	not (?:allowed|permitted)|blacklist|blocked
reason: rejected text=sender address rejected|sender (?:domain|address) (?:does not exist|not found|unknown|invalid|is not)|
	domain of sender|unroutable sender|sender verify|invalid sender|sender (?:is )?rejected|
	From: Domain is invalid|address that has been blacklisted|not a member of this|group you tried to contact|
	permission to post|sender not (?:allowed|permitted)|bad sender|sender.{0,40}blacklist
reason: hostunknown text=host unknown|unknown host|domain (?:name )?not found(?!: )|host not found$|host not found\)|
	Host not found(?!, try again)|no such domain|domain does not exist|illegal host|DNS lookup failure: host|
	domain is not reachable|unrouteable address|name or service not known|domain (?:name )?(?:is )?invalid
reason: notaccept text=does not accept mail|null MX|no MX (?:record )?found|no mx record|accepts no mail|
	not accepting (?:network )?messages|no mail exchanger|couldn't find a mail exchanger
reason: filtered text=(?:message|mail|been|was|is) filtered|recipient preferences|refused by recipient|rejected by recipient|user reject
reason: userunknown code=5.1.1,5.1.0,5.1.3,4.1.1
reason: userunknown cmd=rcpt text=user unknown|unknown user|no such (?:user|mailbox|recipient|account|address|person)|
	(?:user|recipient|address|mailbox|account) (?:does not|doesn't|do not|not) exist|not exist|
	unknown recipient|invalid recipient|recipient (?:address )?(?:unknown|not found|invalid)|
	not listed in|no mailbox here|mailbox (?:not found|unavailable|does not)|invalid (?:final delivery )?(?:userid|mailbox|address)|
	(?<!recipient )(?<!sender )address rejected(?!:)|address (?:not found|unknown|couldn't be found|does not exist)|unknown (?:local[- ]part|address|mailbox)|
	no valid recipients|unknown or illegal|bad destination mailbox|user not found|not our user|
	not a valid (?:mailbox|user|recipient)|account that you tried to reach does not exist|user.{0,40}not found
reason: filtered cmd=data,none code=5.0.0,550,554,5.2.0,5.2.1,5.7.1,none text=
	user unknown|unknown user|no such (?:user|mailbox|recipient)|doesn't have a \S+ account|mailbox unavailable|
	account that you tried to reach does not exist
reason: userunknown text=user unknown|unknown user|no such (?:user|mailbox|recipient|account|address|person)|
	(?:user|recipient|address|mailbox|account) (?:does not|doesn't|do not|not) exist|not exist|
	unknown recipient|invalid recipient|recipient (?:address )?(?:unknown|not found|invalid)|
	not listed in|no mailbox here|mailbox (?:not found|unavailable|does not)|invalid (?:final delivery )?(?:userid|mailbox|address)|
	(?<!recipient )(?<!sender )address rejected(?!:)|address (?:not found|unknown|couldn't be found|does not exist)|unknown (?:local[- ]part|address|mailbox)|
	no valid recipients|unknown or illegal|bad destination mailbox|user not found|
	not a valid (?:mailbox|user|recipient)|account that you tried to reach does not exist|user.{0,40}not found
reason: blocked text=blacklist|blocklist|block list|blocked using|listed (?:at|in|on|by) |\bRBL\b|DNSBL|
	client host (?:\[\S*\] )?blocked|Client host rejected|banned|blocked for spam|not accepting connections|
	Service refused|Access from ip address|\bIP\b.{0,40}blocked|your ISP|dynamic(?:ally)? (?:assigned )?IP|dial-?up|
	residential|open relay|INVALID IP|may not be mail exchanger|service (?:not available|unavailable), closing|
	access denied|blocked IP|\(BL\)|my name was rejected|not allowed to connect|refused to talk to me|connection refused by
reason: policyviolation text=policy|not allowed|prohibited|protocol violation|header error|denied by
reason: securityerror text=authentication required|SMTP Authentication|unauthenticated senders|must authenticate|
	STARTTLS|TLS is required|certificate|encryption required|\bTLS\b|access denied|relay access
reason: systemfull text=system full|insufficient system storage|disk full|out of disk|spool full|no space left
reason: contenterror text=conversion
reason: networkerror text=too many hops|mail loop|loops back|routing loop|forwarding loop|
	no route to host|network is unreachable|lost connection|name service error|DNS (?:error|query failed|lookup)|
	host name lookup failure|temporary failure in name resolution|Network error|try again$|try again\)|
	Host not found, try again|conversation with .* timed out
reason: mailererror text=exit status|mail\.local
reason: systemerror text=internal (?:system )?error|system error|temporary system problem|local problem|temporary local|queue file write error|
	LDAP|directory server|Service currently unavailable|config(?:uration)? error|not capable|
	Could not load|Duplicated Message-ID|local error|too busy
reason: onhold text=\bon hold\b
reason: syntaxerror text=syntax error|improper sequence|command (?:parameter )?not implemented|unrecognized command|
	bad sequence|malformed address|command not recognized|line too long

# Mail that waited too long: the queue (or the remote side) gave up.
reason: expired kind=bounced,expired text=retry timeout exceeded|failing for a long time|giving up|queue too long|
	not delivered within|could not be delivered for|could not deliver for|been delayed|delivery time expired|
	message expired|expired|too old|unable to deliver .*after|timed out|Connection refused|
	did not accept our requests to connect|unable to connect|not reachable|could not connect
reason: expired kind=bounced,expired code=4.4.7,4.4.1
reason: networkerror kind=deferred text=timed out|Connection refused|connect to|could not connect|unreachable
reason: securityerror kind=deferred text=certificate|TLS|SSL
reason: expired kind=expired

# ---------------------------------------------------- the code table
# Enhanced codes that say it (RFC 3463 and the IANA registry, as
# taxonomy.md maps them), then whole subjects, then basic codes.
reason: blocked code=4.7.1,4.7.2
reason: userunknown code=5.1.1,5.1.0,5.1.3
reason: hostunknown code=5.1.2,5.4.4
reason: filtered code=5.1.4,5.2.0,5.2.1,5.2.4,4.2.4
reason: hasmoved code=4.1.6,5.1.6,5.7.17,5.7.18
reason: rejected code=4.1.7,4.1.8,5.1.7,5.1.8
reason: notaccept code=5.1.10,4.3.2,5.3.2,5.7.27,521,556
reason: suspend code=4.2.1,5.7.13,525
reason: mailboxfull code=4.2.2,5.2.2
reason: systemfull code=4.3.1,4.4.5,5.3.1
reason: systemerror code=4.1.9,4.3.3,4.3.5,4.4.3,4.5.3,4.5.5,5.1.9,5.3.0,5.3.3,5.3.5,5.4.3,5.5.4,5.5.5
reason: mesgtoobig code=4.7.16,5.3.4,5.7.16
reason: networkerror code=4.4.2,4.4.4,4.4.6,4.4.8,5.4.0,5.4.6
reason: expired code=4.4.1,4.4.7
reason: syntaxerror code=5.5.2,5.5.6
reason: toomanyconn code=5.5.3
reason: authfailure code=4.7.24,4.7.26,5.7.20,5.7.21,5.7.22,5.7.23,5.7.24,5.7.26,5.7.29
reason: requireptr code=4.7.25,5.7.25
reason: spamdetected code=5.7.28
reason: contenterror code=4.6.,5.6.
reason: securityerror code=4.7.,5.7.
reason: syntaxerror code=500,501,502,503,504,505,506,507,401,402,403,404,405,406,407
reason: expired kind=bounced class=4
reason: blocked cmd=conn,helo
