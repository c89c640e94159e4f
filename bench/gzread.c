/*
 * gzread.c - the decompression limit: read a gzip file with zlib's gzread
 * in the same chunk size bouncestat uses, and do nothing else.  No parser
 * that reads through gzread can be faster than this loop.
 */
#include <stdio.h>
#include <zlib.h>

int
main(int argc, char **argv)
{
	static char buf[256 * 1024];	/* BS_READ_CHUNK */
	unsigned long long total = 0;
	gzFile f;
	int n, err;

	if (argc != 2 || (f = gzopen(argv[1], "rb")) == NULL) {
		fprintf(stderr, "usage: gzread FILE.gz\n");
		return 2;
	}
	gzbuffer(f, sizeof(buf));
	while ((n = gzread(f, buf, sizeof(buf))) > 0)
		total += (unsigned)n;
	gzerror(f, &err);
	if (n < 0 || gzclose(f) != Z_OK || err != Z_OK) {
		fprintf(stderr, "gzread: %s: read error\n", argv[1]);
		return 1;
	}
	printf("%llu\n", total);
	return 0;
}
