/*
 * isalread.c - the decompression limit with ISA-L: inflate a gzip file
 * with isal_inflate, reading and inflating in the chunk size bouncestat
 * reads (BS_READ_CHUNK), and do nothing else.  The twin of gzread.c: no
 * parser that decodes through ISA-L can be faster than this loop.
 *
 * ISA-L parses each member's header and checks its CRC-32 and length
 * (ISAL_GZIP).  Concatenated members are read as gzip and gzread read
 * them: after a member, the next one starts if the rest begins with the
 * gzip magic; anything else after a member is ignored, as zlib does.
 * isal_inflate forgets a header's flags when the header is split across
 * calls, so a member is started only with 64 KiB of input in hand (or
 * the rest of the file): no header of a real file is longer.
 */
#include <stdio.h>
#include <string.h>
#include <isa-l/igzip_lib.h>

#ifndef CHUNK
#define CHUNK	(256 * 1024)	/* BS_READ_CHUNK */
#endif
#define HDR_ROOM	(CHUNK < 65536 ? CHUNK : 65536)

static unsigned char in[CHUNK], out[CHUNK];
static struct inflate_state st;
static FILE *f;
static int eof;

/* Keep what is left of in[], append reads up to want bytes; 0 on error. */
static int
fill(size_t want)
{
	size_t n;

	memmove(in, st.next_in, st.avail_in);
	st.next_in = in;
	while (!eof && st.avail_in < want) {
		n = fread(in + st.avail_in, 1, CHUNK - st.avail_in, f);
		st.avail_in += (uint32_t)n;
		if (n == 0)
			eof = 1;
	}
	return !ferror(f);
}

int
main(int argc, char **argv)
{
	unsigned long long total = 0;
	const char *why = NULL;
	uint8_t *next;
	uint32_t avail;
	int ret;

	if (argc != 2 || (f = fopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: isalread FILE.gz\n");
		return 2;
	}
	isal_inflate_init(&st);
	st.crc_flag = ISAL_GZIP;
	st.next_in = in;
	if (!fill(HDR_ROOM))
		why = "read error";
	else if (st.avail_in < 2 || in[0] != 0x1f || in[1] != 0x8b)
		why = "not in gzip format";
	while (why == NULL) {
		if (st.avail_in == 0 && !fill(1)) {
			why = "read error";
			break;
		}
		st.next_out = out;
		st.avail_out = CHUNK;
		ret = isal_inflate(&st);
		total += CHUNK - st.avail_out;
		if (ret < 0) {
			why = ret == ISAL_INCORRECT_CHECKSUM ?
			    "incorrect data or length check" : "corrupt data";
		} else if (st.block_state == ISAL_BLOCK_FINISH) {
			/* A member ended: another one, or the end. */
			if (st.avail_in < HDR_ROOM && !fill(HDR_ROOM))
				why = "read error";
			else if (st.avail_in < 2 || st.next_in[0] != 0x1f ||
			    st.next_in[1] != 0x8b)
				break;
			next = st.next_in;
			avail = st.avail_in;
			isal_inflate_reset(&st);	/* keeps crc_flag */
			st.next_in = next;
			st.avail_in = avail;
		} else if (eof && st.avail_in == 0 && st.avail_out == CHUNK) {
			why = "unexpected end of file";
		}
	}
	if (why != NULL) {
		fprintf(stderr, "isalread: %s: %s\n", argv[1], why);
		return 1;
	}
	fclose(f);
	printf("%llu\n", total);
	return 0;
}
