/*
 * The <linux/kernel.h> family as a driver uses it: lists and hash lists, WARN and BUG as
 * reports that return to the caller, kstrto*() with the kernel's rules, min/max/clamp, the
 * rounding helpers and the kernel's fixed-width types and internal error numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "common/kmm_test.h"
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <kmm/report.h>

struct item {
	int v;
	struct list_head node;
	struct hlist_node hnode;
};

static void list_keeps_order_and_poisons_deleted_entries(void **state)
{
	LIST_HEAD(head);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 }, *pos, *n;
	int seen[3], i = 0;

	list_add_tail(&a.node, &head);
	list_add_tail(&b.node, &head);
	list_add(&c.node, &head); /* c a b */
	list_for_each_entry (pos, &head, node)
		seen[i++] = pos->v;
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], 2);
	assert_ptr_equal(list_first_entry(&head, struct item, node), &c);
	assert_ptr_equal(list_last_entry(&head, struct item, node), &b);
	assert_true(list_is_last(&b.node, &head));

	list_move_tail(&c.node, &head); /* a b c */
	assert_ptr_equal(list_first_entry(&head, struct item, node), &a);
	list_del(&b.node);
	assert_ptr_equal(b.node.next, LIST_POISON1);
	assert_ptr_equal(b.node.prev, LIST_POISON2);
	assert_ptr_equal(list_next_entry(&a, node), &c);

	i = 0;
	list_for_each_entry_safe (pos, n, &head, node) {
		list_del_init(&pos->node);
		i++;
	}
	assert_int_equal(i, 2);
	assert_true(list_empty(&head));
	assert_true(list_empty_careful(&a.node));
}

static void list_splice_and_cut_move_runs(void **state)
{
	LIST_HEAD(x);
	LIST_HEAD(y);
	struct item it[4];

	for (int i = 0; i < 4; i++) {
		it[i].v = i;
		list_add_tail(&it[i].node, i < 2 ? &x : &y);
	}
	list_splice_tail_init(&y, &x); /* 0 1 2 3 */
	assert_true(list_empty(&y));
	assert_ptr_equal(list_last_entry(&x, struct item, node), &it[3]);
	list_cut_position(&y, &x, &it[1].node); /* y: 0 1, x: 2 3 */
	assert_ptr_equal(list_first_entry(&x, struct item, node), &it[2]);
	assert_ptr_equal(list_last_entry(&y, struct item, node), &it[1]);
	assert_false(list_is_singular(&y));
	list_rotate_left(&x); /* 3 2 */
	assert_ptr_equal(list_first_entry(&x, struct item, node), &it[3]);
}

static void hlist_adds_at_the_head_and_deletes_anywhere(void **state)
{
	HLIST_HEAD(h);
	struct item a = { .v = 1 }, b = { .v = 2 }, c = { .v = 3 }, *pos;
	struct hlist_node *tmp;
	int sum = 0;

	hlist_add_head(&a.hnode, &h);
	hlist_add_head(&b.hnode, &h); /* b a */
	hlist_add_behind(&c.hnode, &b.hnode); /* b c a */
	assert_ptr_equal(hlist_entry(h.first, struct item, hnode), &b);
	hlist_del_init(&c.hnode);
	assert_true(hlist_unhashed(&c.hnode));
	hlist_for_each_entry(pos, &h, hnode) sum = sum * 10 + pos->v;
	assert_int_equal(sum, 21);
	hlist_for_each_entry_safe(pos, tmp, &h, hnode) hlist_del(&pos->hnode);
	assert_true(hlist_empty(&h));
}

static int warn_once_site(int x)
{
	return WARN_ON_ONCE(x > 1);
}

static void warn_reports_and_returns_its_condition(void **state)
{
	kmm_report_capture_begin();
	assert_false(WARN_ON(0));
	assert_true(WARN_ON(1));
	assert_true(WARN(2 > 1, "mydev: bad state %d\n", 7));
	for (int i = 0; i < 3; i++)
		assert_true(warn_once_site(5));
	BUG_ON(1 + 1 == 2);
	assert_int_equal(kmm_report_capture_end(), 4);
	assert_int_equal(kmm_report_captured_find("------------[ cut here ]------------"), 4);
	assert_int_equal(kmm_report_captured_find("WARNING: CPU: "), 3);
	assert_int_equal(kmm_report_captured_find("mydev: bad state 7\nWARNING: CPU: "), 1);
	assert_int_equal(kmm_report_captured_find("test_kernel_api.c:"), 4);
	assert_int_equal(kmm_report_captured_find("kernel BUG at "), 1);
}

static void kstrto_takes_the_whole_string_or_nothing(void **state)
{
	unsigned long ul;
	long l;
	int i;
	u8 b;
	bool flag;

	assert_int_equal(kstrtoul("4096\n", 0, &ul), 0);
	assert_int_equal(ul, 4096);
	assert_int_equal(kstrtoul("0x1f", 0, &ul), 0);
	assert_int_equal(ul, 31);
	assert_int_equal(kstrtoul("017", 0, &ul), 0);
	assert_int_equal(ul, 15);
	assert_int_equal(kstrtoul("ff", 16, &ul), 0);
	assert_int_equal(ul, 255);
	assert_int_equal(kstrtoul("-1", 0, &ul), -EINVAL);
	assert_int_equal(kstrtoul(" 1", 0, &ul), -EINVAL);
	assert_int_equal(kstrtoul("12abc", 10, &ul), -EINVAL);
	assert_int_equal(kstrtoul("", 10, &ul), -EINVAL);
	assert_int_equal(kstrtol("-42", 10, &l), 0);
	assert_int_equal(l, -42);
	assert_int_equal(kstrtoint("2147483648", 10, &i), -ERANGE);
	assert_int_equal(kstrtou8("256", 10, &b), -ERANGE);
	assert_int_equal(kstrtou8("+255", 10, &b), 0);
	assert_int_equal(b, 255);
	assert_int_equal(kstrtobool("on", &flag), 0);
	assert_true(flag);
	assert_int_equal(kstrtobool("N", &flag), 0);
	assert_false(flag);
	assert_int_equal(kstrtobool("x", &flag), -EINVAL);
}

static void helpers_compute_as_the_kernel(void **state)
{
	int arr[7];
	u64 big = 1ULL << 40;

	assert_int_equal(ARRAY_SIZE(arr), 7);
	assert_int_equal(min(3, 5), 3);
	assert_int_equal(max(-3, -5), -3);
	assert_int_equal(clamp(12, 0, 10), 10);
	assert_int_equal(min_t(unsigned int, 7, -1), 7);
	assert_int_equal(ALIGN(13, 8), 16);
	assert_int_equal(ALIGN_DOWN(13, 8), 8);
	assert_true(IS_ALIGNED(4096, 4096));
	assert_int_equal(DIV_ROUND_UP(10, 4), 3);
	assert_int_equal(roundup(10, 3), 12);
	assert_int_equal(rounddown(10, 3), 9);
	assert_int_equal(round_up(9, 8), 16);
	assert_int_equal(ilog2(4096), 12);
	assert_int_equal(ilog2(big), 40);
	assert_true(is_power_of_2(64));
	assert_false(is_power_of_2(96));
	assert_int_equal(roundup_pow_of_two(100), 128);
	assert_int_equal(order_base_2(5), 3);
	assert_int_equal(upper_32_bits(big), 0x100);
	assert_int_equal(lower_32_bits(big | 5), 5);
	assert_int_equal(U16_MAX, 65535);
	assert_true(S64_MIN < 0);
}

static void the_types_and_errors_are_the_kernels(void **state)
{
	/* u64 is unsigned long long on every architecture: "%llu" needs no cast. */
	assert_true(__builtin_types_compatible_p(u64, unsigned long long));
	assert_true(__builtin_types_compatible_p(s64, long long));
	assert_true(__builtin_types_compatible_p(u32, unsigned int));
	assert_int_equal(sizeof(umode_t), 2);
	assert_int_equal(ERESTARTSYS, 512);
	assert_int_equal(ENOIOCTLCMD, 515);
	assert_int_equal(EPROBE_DEFER, 517);
	assert_int_equal(EIOCBQUEUED, 529);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_keeps_order_and_poisons_deleted_entries),
		cmocka_unit_test(list_splice_and_cut_move_runs),
		cmocka_unit_test(hlist_adds_at_the_head_and_deletes_anywhere),
		cmocka_unit_test_setup_teardown(warn_reports_and_returns_its_condition,
						kmm_test_boot_manual_clock,
						kmm_test_shutdown_manual_clock),
		cmocka_unit_test(kstrto_takes_the_whole_string_or_nothing),
		cmocka_unit_test(helpers_compute_as_the_kernel),
		cmocka_unit_test(the_types_and_errors_are_the_kernels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
