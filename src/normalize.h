/*
 * normalize.h - a reply text with its varying parts (addresses, ids, IP
 * addresses, numbers) replaced by placeholders, for grouping (--detail).
 */
#ifndef BS_NORMALIZE_H
#define BS_NORMALIZE_H

#include <stddef.h>

/*
 * Write the normalised form of s[0..n) to out (at most cap bytes, no
 * NUL); returns its length.  Bytes are kept as they are except in the
 * tokens that normalize.c lists; writers make the result safe.
 */
size_t bs_normalize(const char *s, size_t n, char *out, size_t cap);

/*
 * bs_normalize with more made placeholders, for the server's own warnings
 * (health.h), whose texts name hosts where reply texts seldom do: a
 * token right in front of "[" (Postfix's "NAME[IP]", "unknown[IP]") and
 * the token after the word "hostname" become "host"; a reversed IPv4
 * address in front of a DNS list's zone ("4.3.2.1.zen.example.org")
 * becomes "IP." and the zone.
 */
size_t bs_normalize_hosts(const char *s, size_t n, char *out, size_t cap);

/*
 * Either of the two (hosts or not), read one unit at a time with no
 * words copied in runs: slower, and what tests/check_normalize.c holds
 * the two to, byte for byte.
 */
size_t bs_normalize_units(const char *s, size_t n, char *out, size_t cap,
    int hosts);

#endif
