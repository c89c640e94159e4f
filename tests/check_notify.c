/*
 * check_notify.c - notifications sent and those that failed in turn
 * (src/notify.c): order, repetition, parts read apart, and the bound.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "hash.h"
#include "notify.h"
#include "suites.h"

static struct bs_event
note(const char *id, enum bs_kind kind)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.note = BS_NOTE_NOTIFY;
	ev.kind = kind;
	ev.msgid = "4B1C2D3E4F";
	ev.msgid_len = 10;
	ev.notify_id = (struct bs_text){ .ptr = id, .len = strlen(id) };
	return ev;
}

static bs_status
event(struct bs_notify *n, const char *id, enum bs_kind kind)
{
	struct bs_event ev;

	bs_event_init(&ev);
	ev.kind = kind;
	ev.msgid = id;
	ev.msgid_len = strlen(id);
	return bs_notify_event(n, &ev, bs_hash_bytes(id, strlen(id)) >> 16);
}

static struct bs_notifications
results(const struct bs_notify *n)
{
	struct bs_notifications r;

	bs_notify_results(n, &r);
	return r;
}

/* One reader: only failures after the notification, each id once. */
START_TEST(test_order)
{
	struct bs_notify *n = bs_notify_new(false);
	struct bs_event a = note("9C0D1E2F3A", BS_BOUNCED),
			b = note("7A8B9C0D2E", BS_DEFERRED),
			c = note("8B9C0D1E3F", BS_DELIVERED);

	/* A failure of an id before its notification is not its failure. */
	ck_assert_int_eq(event(n, "9C0D1E2F3A", BS_BOUNCED), BS_OK);
	ck_assert_int_eq(bs_notify_sent(n, &a), BS_OK);
	ck_assert_int_eq(bs_notify_sent(n, &b), BS_OK);
	ck_assert_int_eq(bs_notify_sent(n, &c), BS_OK);
	ck_assert_uint_eq(results(n).failed_themselves, 0);
	/* Deferred twice, then bounced: one notification failed. */
	event(n, "9C0D1E2F3A", BS_DEFERRED);
	event(n, "9C0D1E2F3A", BS_DEFERRED);
	event(n, "9C0D1E2F3A", BS_BOUNCED);
	/* Delivered: no failure; another message's failure: not one. */
	event(n, "7A8B9C0D2E", BS_DELIVERED);
	event(n, "1A2B3C4D5E", BS_BOUNCED);
	ck_assert_uint_eq(results(n).sent, 3);
	ck_assert_uint_eq(results(n).by_type[BS_NOTIFY_FAILURE], 1);
	ck_assert_uint_eq(results(n).by_type[BS_NOTIFY_DELAY], 1);
	ck_assert_uint_eq(results(n).by_type[BS_NOTIFY_SUCCESS], 1);
	ck_assert_uint_eq(results(n).failed_themselves, 1);
	event(n, "8B9C0D1E3F", BS_REJECTED);
	ck_assert_uint_eq(results(n).failed_themselves, 2);
	ck_assert(!results(n).estimated);
	bs_notify_free(n);
}
END_TEST

/* The same lines read as two parts and merged count the same. */
START_TEST(test_parts)
{
	struct bs_notify *one = bs_notify_new(false);
	struct bs_notify *two = bs_notify_new(true);
	struct bs_notify *three = bs_notify_new(true);
	struct bs_event a = note("9C0D1E2F3A", BS_BOUNCED),
			b = note("7A8B9C0D2E", BS_BOUNCED);

	/* Part one: a's notification; b's message fails (before b). */
	bs_notify_sent(one, &a);
	event(one, "7A8B9C0D2E", BS_BOUNCED);
	/* Part two: a fails; b's notification. */
	event(two, "9C0D1E2F3A", BS_DEFERRED);
	bs_notify_sent(two, &b);
	/* Part three: b fails, a fails again. */
	event(three, "7A8B9C0D2E", BS_DEFERRED);
	event(three, "9C0D1E2F3A", BS_BOUNCED);
	/* Merged later parts first, then into the first. */
	ck_assert_int_eq(bs_notify_merge(two, three), BS_OK);
	ck_assert_int_eq(bs_notify_merge(one, two), BS_OK);
	ck_assert_uint_eq(results(one).sent, 2);
	ck_assert_uint_eq(results(one).failed_themselves, 2);
	bs_notify_free(one);
	bs_notify_free(two);
	bs_notify_free(three);
}
END_TEST

/* Past BS_NOTIFY_IDS notifications are counted, and it says so. */
START_TEST(test_bound)
{
	struct bs_notify *n = bs_notify_new(false);
	char id[32];
	size_t i;

	for (i = 0; i < BS_NOTIFY_IDS + 10; i++) {
		struct bs_event ev;

		snprintf(id, sizeof(id), "ID%zu", i);
		ev = note(id, BS_BOUNCED);
		ck_assert_int_eq(bs_notify_sent(n, &ev), BS_OK);
	}
	ck_assert_uint_eq(results(n).sent, BS_NOTIFY_IDS + 10);
	ck_assert(results(n).estimated);
	/* The first ones are still followed. */
	event(n, "ID0", BS_BOUNCED);
	ck_assert_uint_eq(results(n).failed_themselves, 1);
	bs_notify_free(n);
}
END_TEST

/*
 * Many notifications (the table grows, its filter bits are made again
 * each time), many failures of other messages: every failure of a
 * notification is found, no other counts.
 */
START_TEST(test_many)
{
	struct bs_notify *n = bs_notify_new(false);
	char id[16];
	unsigned i;

	for (i = 0; i < 5000; i++) {
		struct bs_event ev;

		snprintf(id, sizeof(id), "N%08X", i);
		ev = note(id, BS_BOUNCED);
		ck_assert_int_eq(bs_notify_sent(n, &ev), BS_OK);
	}
	for (i = 0; i < 50000; i++) {
		snprintf(id, sizeof(id), "O%08X", i);
		ck_assert_int_eq(event(n, id, BS_BOUNCED), BS_OK);
	}
	for (i = 0; i < 5000; i += 2) {
		snprintf(id, sizeof(id), "N%08X", i);
		ck_assert_int_eq(event(n, id, BS_DEFERRED), BS_OK);
	}
	ck_assert_uint_eq(results(n).sent, 5000);
	ck_assert_uint_eq(results(n).failed_themselves, 2500);
	bs_notify_free(n);
}
END_TEST

Suite *
notify_suite(void)
{
	Suite *s = suite_create("notify");
	TCase *tc = tcase_create("notify");

	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_parts);
	tcase_add_test(tc, test_bound);
	suite_add_tcase(s, tc);
	return s;
}
