/*
 * fuzz_exchange.c - libFuzzer target: the fuzz input's lines through the
 * exchange parser (bs_format_exchange open, probe, parse, close), each event
 * checked (see fuzz_format.h).
 *
 * All lines go to one parser state, so "#Fields:" headers met on the way
 * change how the rows after them are read, as in a concatenated log.
 * Codes are not checked against the raw line: CSV unescaping may build
 * them from a quoted field ("55""0" is not, but "55"0 is "550").
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_format.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int
FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	return fz_format_run(&bs_format_exchange, false, data, size);
}
