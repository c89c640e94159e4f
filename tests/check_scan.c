/*
 * check_scan.c - the needle search and the byte count (src/scan.c)
 * against the obvious byte-at-a-time answers.
 *
 * The vector code has edges the splitter rarely shows: a hit in the last
 * block (laid over the end of the data), a short needle in the bytes where
 * the longest no longer fits, a false candidate before a true one in the
 * same block, data shorter than one block.  Random data over a small
 * alphabet made of the needles' own bytes hits all of them, at every
 * length and alignment, on both the AVX2 and the SSE2 path.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"
#include "suites.h"
#include "testutil.h"

/*
 * Rounds of the differential: under the sanitizers (CI's longest lane) a
 * third, which still walks every path of the scan; the full count runs
 * in the other builds.
 */
#ifdef __SANITIZE_ADDRESS__
#define ROUNDS	10
#else
#define ROUNDS	30
#endif

/* Cheap and fixed: the same cases on every run. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t
next_rand(void)
{
	return bs_test_rand(&rng);
}

/* A needle without its "\\b" (word start) mark, and whether it had one. */
static const char *
bare(const char *w, int *word)
{
	*word = w[0] == '\\' && w[1] == 'b';
	return *word ? w + 2 : w;
}

static int
word_byte(char c)
{
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * The answer by definition: the lowest start where some needle fits, a
 * word-start needle not right after a word byte (s[0] has none before).
 */
static size_t
naive(const char *const *w, const int *word, const size_t *lens, size_t nw,
    const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i++)
		for (k = 0; k < nw; k++)
			if (s[i] == w[k][0] && n - i >= lens[k] &&
			    memcmp(s + i, w[k], lens[k]) == 0 &&
			    !(word[k] && i > 0 && word_byte(s[i - 1])))
				return i;
	return n;
}

/*
 * Fill buf with bytes drawn from the needles (and a few others), plant a
 * whole needle now and then, and compare every length from every offset.
 */
static void
differential(const char *const *needles, int avx2, int sup)
{
	static const char extra[] = " \n:=_\0\xff";
	char alphabet[512], buf[400];
	size_t na = 0, k, i, round;
	struct bs_needles nd;
	long checked = 0;
	size_t lens[16];
	const char *bw[16];
	int word, words[16];

	for (k = 0; needles[k] != NULL; k++) {
		bw[k] = bare(needles[k], &words[k]);
		lens[k] = strlen(bw[k]);
	}
	for (k = 0; needles[k] != NULL; k++) {
		const char *w = bare(needles[k], &word);

		for (i = 0; w[i] != '\0' && na < sizeof(alphabet) - 16; i++)
			alphabet[na++] = w[i];
	}
	for (i = 0; i < sizeof(extra) - 1; i++)
		alphabet[na++] = extra[i];
	bs_needles_init(&nd, needles);
	if (avx2 && !nd.avx2)
		return;		/* no AVX2 here: the SSE2 run covers it */
	nd.avx2 = avx2;
	/*
	 * sup 0: the first stage it would replace (Teddy) runs instead; where
	 * it is not taken anyway, the sup 1 run covered that.
	 */
	if (!sup && !nd.sup)
		return;
	if (!sup)
		nd.sup = 0;

	for (round = 0; round < ROUNDS; round++) {
		size_t n = next_rand() % sizeof(buf), off, len;

		for (i = 0; i < n; i++)
			buf[i] = alphabet[next_rand() % na];
		/* Most rounds get a planted needle somewhere. */
		if (round % 4 != 0 && n > 0) {
			const char *w = bare(needles[next_rand() % k], &word);
			size_t wl = strlen(w), at = next_rand() % n;

			if (at + wl <= n)
				memcpy(buf + at, w, wl);
		}
		for (off = 0; off < 33 && off <= n; off++)
			for (len = 0; off + len <= n; len++) {
				size_t got = bs_scan_needles(&nd, buf + off, len);
				size_t want = naive(bw, words, lens, k,
				    buf + off, len);

				QUIET_CHECK(got == want, "avx2=%d sup=%d round "
				    "%zu off %zu len %zu: got %zu, want %zu",
				    avx2, nd.sup, round, off, len, got, want);
				checked++;
			}
	}
	ck_assert_int_gt(checked, 80000 * ROUNDS / 30);
}

static const char *const postfix[] = { "status=", "reject:", NULL };
static const char *const exim[] = {
	"=> ", "-> ", ">> ", "== ", "** ", "rejected", NULL
};
static const char *const exchange[] = {
	"#Fields:", "#fields:", "DELIVER", "SEND", "DEFER", "FAIL", NULL
};
static const char *const odd[] = {
	"a", "aaa", "refused to talk to me: ", "said: ", "xx", "\xff\n",
	"==", ":", NULL
};
/*
 * For the shared first stage (Teddy): eight needles, one a prefix of
 * another, bytes that share a low or a high nibble across needles, bytes
 * past 0x7f (which vpshufb reads as "zero"), control bytes and exactly the
 * shortest length it takes.
 */
static const char *const teddy8[] = {
	"abc", "abcd", "qbs", "\xff\x8f\x0f", "\x01\x10\x11", "a\xe1!", "=>>x",
	"\x1f\xf1\x10", NULL
};
static const char *const teddy3[] = { "=> ", "** ", "rej", NULL };
/*
 * The Postfix reader's needles (fmt_postfix.c), which take the superset
 * test, and the same with the "server health" needles added.
 */
static const char *const pfneedles[] = { "tatus=", "eject:", "/bounce",
	NULL };
static const char *const pfjoined[] = { "status=", "reject:", "nrcpt=",
	": removed", "/bounce", NULL };
static const char *const pfhealth[] = { "tatus=", "eject:", "/bounce",
	"warning: ", "fatal: ", "panic: ", "error: ", NULL };
/*
 * The Postfix reader's lists as they are: the severity words only where a
 * word starts ("reject_warning: " is not "warning: "), and the mixed
 * reader's ten (more than Teddy's eight, and "> " too short for it).
 */
static const char *const pfword[] = { "tatus=", "eject:", "/bounce",
	"\\bwarning: ", "\\bfatal: ", "\\berror: ", "\\bpanic: ", NULL };
static const char *const pfjoinword[] = { "status=", "reject:", "nrcpt=",
	": removed", "/bounce", "\\bwarning: ", "\\bfatal: ", "\\berror: ",
	"\\bpanic: ", NULL };
static const char *const mixed10[] = { "tatus=", "eject", "/bounce", "> ",
	"== ", "** ", "arning: ", "\\bfatal: ", "\\berror: ", "\\bpanic: ",
	NULL };
/* BS_NEEDLES_MAX of them, each vector of the two-probe test in use. */
static const char *const sixteen[] = { "aa", "\\bab", "ac", "\\bad", "ae",
	"af", "ag", "ah", "ba", "bb", "bc", "bd", "be", "bf", "bg", "\\b_h",
	NULL };
/* Bytes 0 and 1 told apart by their low nibbles, byte 2 not. */
static const char *const teddymix[] = { "ab\x80", "cdx", "eb\x81", NULL };

static const char *const *const sets[] = {
	postfix, exim, exchange, odd, teddy8, teddy3, teddymix, pfneedles,
	pfjoined, pfhealth, pfword, pfjoinword, mixed10, sixteen
};
#define NSETS	(int)(sizeof(sets) / sizeof(sets[0]))

START_TEST(test_needles_sse2)
{
	differential(sets[_i], 0, 1);
}
END_TEST

START_TEST(test_needles_avx2)
{
	differential(sets[_i], 1, 1);
	differential(sets[_i], 1, 0);
}
END_TEST

/*
 * The superset test is taken where three offsets inside every needle hold
 * bytes told apart by their low nibbles, at the offsets whose bytes are
 * rarest; its tables say which needle has which byte there.
 */
START_TEST(test_superset_chosen)
{
	struct bs_needles nd;

	bs_needles_init(&nd, pfneedles);
	ck_assert_int_eq(nd.sup, 1);
	ck_assert_uint_eq(nd.sup_off[0], 1);	/* a j b */
	ck_assert_uint_eq(nd.sup_off[1], 3);	/* u c u */
	ck_assert_uint_eq(nd.sup_off[2], 5);	/* = : c */
	ck_assert_uint_eq(nd.sup_val[0]['j' & 15], 'j');
	ck_assert_uint_eq(nd.sup_val[0]['c' & 15], 0x80 | ('c' & 15));
	ck_assert_uint_eq(nd.sup_lo[1]['u' & 15], 1u | 4u);
	ck_assert_uint_eq(nd.sup_lo[2]['c' & 15], 4u);
	bs_needles_init(&nd, pfjoined);
	ck_assert_int_eq(nd.sup, 1);
	bs_needles_init(&nd, pfhealth);
	ck_assert_int_eq(nd.sup, 1);
	bs_needles_init(&nd, pfword);
	ck_assert_int_eq(nd.sup, 1);
	bs_needles_init(&nd, pfjoinword);
	ck_assert_int_eq(nd.sup, 1);
	ck_assert_uint_eq(nd.sup_lo[0]['p' & 15], 1u << 8);	/* panic */
	bs_needles_init(&nd, teddy3);
	ck_assert_int_eq(nd.sup, 1);
	ck_assert_uint_eq(nd.sup_off[0], 0);
	ck_assert_uint_eq(nd.sup_off[2], 2);
	/* '=' and '-' (Exim), bytes past 0x7f, two needles: Teddy's. */
	bs_needles_init(&nd, exim);
	ck_assert_int_eq(nd.sup, 0);
	bs_needles_init(&nd, exchange);
	ck_assert_int_eq(nd.sup, 0);
	bs_needles_init(&nd, teddy8);
	ck_assert_int_eq(nd.sup, 0);
	bs_needles_init(&nd, teddymix);
	ck_assert_int_eq(nd.sup, 0);
	bs_needles_init(&nd, postfix);
	ck_assert_int_eq(nd.sup, 0);
}
END_TEST

/*
 * The shared first stage is taken for three or more needles of at least
 * three bytes, so the differential runs above cover it, with each kind
 * of test per byte; the needles it does not fit keep the two-probe test.
 */
START_TEST(test_teddy_chosen)
{
	struct bs_needles nd;

	/* And which bytes the low nibble alone tells apart. */
	bs_needles_init(&nd, exim);
	ck_assert_int_eq(nd.teddy, 1);
	ck_assert_uint_eq(nd.exact, 6);
	bs_needles_init(&nd, teddy8);
	ck_assert_int_eq(nd.teddy, 1);
	ck_assert_uint_eq(nd.exact, 0);
	bs_needles_init(&nd, teddy3);
	ck_assert_int_eq(nd.teddy, 1);
	ck_assert_uint_eq(nd.exact, 7);
	bs_needles_init(&nd, teddymix);
	ck_assert_int_eq(nd.teddy, 1);
	ck_assert_uint_eq(nd.exact, 3);
	bs_needles_init(&nd, exchange);
	ck_assert_int_eq(nd.teddy, 1);
	ck_assert_uint_eq(nd.exact, 0);
	bs_needles_init(&nd, postfix);
	ck_assert_int_eq(nd.teddy, 0);
	bs_needles_init(&nd, odd);
	ck_assert_int_eq(nd.teddy, 0);
	/* One bit a needle in a byte: not for more than eight. */
	bs_needles_init(&nd, pfjoinword);
	ck_assert_uint_eq(nd.n, 9);
	ck_assert_int_eq(nd.teddy, 0);
}
END_TEST

/*
 * A word-start needle: not after a letter, a digit or '_'; after a blank,
 * '=', ']' or at the start of what is scanned.  The mark itself is no
 * part of the needle.
 */
START_TEST(test_word_start)
{
	static const char *const line =
	    "Nov 28 mx1 postfix/smtpd[9]: NOQUEUE: reject_warning: RCPT from "
	    "x[192.0.2.1]: 450 4.7.1 warning: said the remote end";
	struct bs_needles nd;
	const char *p;

	bs_needles_init(&nd, pfword);
	ck_assert_uint_eq(nd.n, 7);
	ck_assert_uint_eq(nd.word, 0x78);
	ck_assert_uint_eq(nd.len[3], 9);
	ck_assert_str_eq(nd.s[3], "warning: ");
	p = strstr(line, "4.7.1 warning:") + 6;
	ck_assert_uint_eq(bs_scan_needles(&nd, line, strlen(line)),
	    (size_t)(p - line));
	ck_assert_uint_eq(bs_scan_needles(&nd, "xwarning: ", 10), 10);
	ck_assert_uint_eq(bs_scan_needles(&nd, "5warning: ", 10), 10);
	ck_assert_uint_eq(bs_scan_needles(&nd, "]warning: ", 10), 1);
	ck_assert_uint_eq(bs_scan_needles(&nd, "=panic: ", 8), 1);
	ck_assert_uint_eq(bs_scan_needles(&nd, "error: ", 7), 0);
	/* A needle without the mark is found inside a word, as before. */
	bs_needles_init(&nd, pfhealth);
	ck_assert_uint_eq(nd.word, 0);
	ck_assert_uint_eq(bs_scan_needles(&nd, line, strlen(line)),
	    (size_t)(strstr(line, "warning: ") - line));
}
END_TEST

/* A hit in the last bytes of a block-sized buffer, then one byte past. */
START_TEST(test_needles_edges)
{
	char buf[200];
	struct bs_needles nd;
	size_t n, at;

	bs_needles_init(&nd, postfix);
	for (n = 7; n < sizeof(buf); n++)
		for (at = 0; at + 7 <= n; at++) {
			memset(buf, 's', n);	/* the first byte everywhere */
			memcpy(buf + at, "reject:", 7);
			QUIET_CHECK(bs_scan_needles(&nd, buf, n) == at,
			    "n %zu at %zu", n, at);
			QUIET_CHECK(bs_scan_needles(&nd, buf, at + 6) == at + 6,
			    "cut needle n %zu at %zu", n, at);
		}
	bs_needles_init(&nd, (const char *const[]){ NULL });
	ck_assert_uint_eq(bs_scan_needles(&nd, "status=", 7), 7);
}
END_TEST

START_TEST(test_count)
{
	char buf[20000];
	size_t i, n, off;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (next_rand() % 5 == 0) ? '\n' : 'x';
	for (off = 0; off < 33; off++)
		for (n = 0; off + n <= sizeof(buf); n += 1 + n / 7) {
			size_t want = 0, k;

			for (k = 0; k < n; k++)
				want += buf[off + k] == '\n';
			QUIET_CHECK(bs_scan_count(buf + off, n, '\n') == want,
			    "off %zu n %zu", off, n);
		}
	/*
	 * Every length up to a few blocks: the last partial block is read
	 * with a load that ends at the end of the data.
	 */
	for (off = 0; off < 33; off++)
		for (n = 0; n <= 300; n++) {
			size_t want = 0, k;

			for (k = 0; k < n; k++)
				want += buf[off + k] == '\n';
			QUIET_CHECK(bs_scan_count(buf + off, n, '\n') == want,
			    "short: off %zu n %zu", off, n);
		}
	/* Past 252 blocks the byte counters must have been flushed. */
	memset(buf, '\n', sizeof(buf));
	ck_assert_uint_eq(bs_scan_count(buf, sizeof(buf), '\n'), sizeof(buf));
	ck_assert_uint_eq(bs_scan_count(buf, sizeof(buf), 'x'), 0);
}
END_TEST

Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("scan");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_needles_sse2, 0, NSETS);
	tcase_add_loop_test(tc, test_needles_avx2, 0, NSETS);
	tcase_add_test(tc, test_needles_edges);
	tcase_add_test(tc, test_teddy_chosen);
	tcase_add_test(tc, test_superset_chosen);
	tcase_add_test(tc, test_word_start);
	tcase_add_test(tc, test_count);
	suite_add_tcase(s, tc);
	return s;
}
