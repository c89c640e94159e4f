/*
 * fuzz_exim.c - libFuzzer target: the fuzz input's lines through the
 * exim parser (bs_format_exim open, probe, parse, close), each event
 * checked (see fuzz_format.h).
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
	return fz_format_run(&bs_format_exim, true, data, size);
}
