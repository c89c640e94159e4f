/*
 * hop.h - content-filter hops: a delivery that hands a message to a
 * filter (amavis, a milter-less spam scanner, a second Exim) on this
 * machine, which re-injects it under a new message id.  The message is
 * then delivered twice in the log; the first delivery is a hop, neither
 * the recipient's delivery nor its end (README "What happened in the
 * end").  Hops stay events (the event record does not change); the
 * aggregate counts them apart and the outcomes leave them out.
 */
#ifndef BS_HOP_H
#define BS_HOP_H

#include <stdbool.h>

#include "event.h"

/*
 * Whether ev is a hop: a delivery to a loopback host (an IP in
 * 127.0.0.0/8 or ::1, or the name "localhost" without an IP) whose reply
 * says the message was queued again under a new id ("queued as NEWID",
 * Postfix's and amavis's; "OK id=NEWID", Exim's).  A final delivery to
 * a local LMTP server ("250 2.0.0 <...> Saved") says neither and is not a
 * hop.  Cheap on other deliveries: the remote is looked at first.
 */
bool bs_hop_is(const struct bs_event *ev);

#endif
