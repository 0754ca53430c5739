/*
 * test_vmalloc.c - vmalloc and vmap on the default machine (x86_32, 1 GiB: low and high
 * memory): virtually contiguous and physically scattered, the same bytes through every
 * mapping, guard pages, lazy freeing, /proc/vmallocinfo and VmallocUsed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/kmm_test.h"

#include <kmm/kmm.h>
#include <kmm/highmem.h>
#include <kmm/page_alloc.h>
#include <kmm/proc.h>
#include <kmm/report.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>
#include "mm/vmalloc.h"

#define GiB (1ULL << 30)

static int boot(void **state)
{
	struct kmm_config cfg = { .profile = "x86_32", .mem_bytes = GiB, .cpus = 2 };

	return kmm_boot(&cfg);
}

static int boot_x86_64(void **state)
{
	struct kmm_config cfg = { .profile = "x86_64", .mem_bytes = 256ULL << 20, .cpus = 2 };

	return kmm_boot(&cfg);
}

/* Capture a /proc view into a string (freed by the caller). */
static char *proc_text(const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(kmm_proc_show(name, f), 0);
	fclose(f);
	return buf;
}

static unsigned long meminfo_kb(const char *label)
{
	char *text = proc_text("meminfo");
	char *line = strstr(text, label);
	unsigned long kb;

	assert_non_null(line);
	kb = strtoul(line + strlen(label), NULL, 10);
	free(text);
	return kb;
}

static void vmalloc_memory_is_virtually_contiguous_and_physically_scattered(void **state)
{
	struct page *pages[128];
	unsigned int gaps = 0;
	char *p;

	/* Leave every other frame of a run free, so single pages come from all over. */
	for (int i = 0; i < 128; i++)
		pages[i] = alloc_pages(GFP_HIGHUSER, 0);
	for (int i = 0; i < 128; i += 2)
		__free_pages(pages[i], 0);

	p = vmalloc(32 * PAGE_SIZE);
	assert_non_null(p);
	assert_true(is_vmalloc_addr(p));
	for (int i = 0; i < 32; i++) {
		unsigned long pfn = vmalloc_to_pfn(p + i * PAGE_SIZE);

		assert_true(pfn_valid(pfn));
		assert_ptr_equal(vmalloc_to_page(p + i * PAGE_SIZE + 123), pfn_to_page(pfn));
		if (i && pfn != vmalloc_to_pfn(p + (i - 1) * PAGE_SIZE) + 1)
			gaps++;
		p[i * PAGE_SIZE] = (char)i;
	}
	assert_true(gaps > 0);
	/* One byte run across the whole area, page boundaries included. */
	memset(p, 0x5a, 32 * PAGE_SIZE);
	for (int i = 0; i < 32 * (int)PAGE_SIZE; i += 511)
		assert_int_equal(p[i], 0x5a);
	vfree(p);
	for (int i = 1; i < 128; i += 2)
		__free_pages(pages[i], 0);
	assert_true(vmalloc_state_valid());
}

static void writes_through_vmalloc_are_seen_through_the_linear_map_and_back(void **state)
{
	unsigned char *p = vmalloc_32(4 * PAGE_SIZE);

	assert_non_null(p);
	for (int i = 0; i < 4; i++) {
		struct page *page = vmalloc_to_page(p + i * PAGE_SIZE);
		unsigned char *linear = page_address(page);

		assert_false(PageHighMem(page));
		assert_non_null(linear);
		assert_true(virt_addr_valid(linear));
		p[i * PAGE_SIZE + 7] = (unsigned char)(0xa0 + i);
		assert_int_equal(linear[7], 0xa0 + i);
		linear[100] = (unsigned char)(0x30 + i);
		assert_int_equal(p[i * PAGE_SIZE + 100], 0x30 + i);
	}
	vfree(p);
}

static void vmalloc_uses_high_memory_reached_through_kmap(void **state)
{
	unsigned int high = 0;
	unsigned char *p = vmalloc(64 * PAGE_SIZE);

	assert_non_null(p);
	for (int i = 0; i < 64; i++) {
		struct page *page = vmalloc_to_page(p + i * PAGE_SIZE);
		unsigned char *k;

		if (!PageHighMem(page))
			continue;
		high++;
		p[i * PAGE_SIZE + 1] = (unsigned char)i;
		k = kmap(page);
		assert_int_equal(k[1], i);
		k[2] = 0x77;
		kunmap(page);
		assert_int_equal(p[i * PAGE_SIZE + 2], 0x77);
	}
	assert_true(high > 0);
	vfree(p);
}

static void each_area_is_followed_by_an_unmapped_guard_page(void **state)
{
	char *a = vmalloc(3 * PAGE_SIZE);
	char *b = vmalloc(PAGE_SIZE);
	struct vm_struct *vm = find_vm_area(a);
	struct vm_struct *ng;

	assert_non_null(vm);
	assert_ptr_equal(vm->addr, a);
	assert_int_equal(vm->size, 4 * PAGE_SIZE);
	assert_int_equal(get_vm_area_size(vm), 3 * PAGE_SIZE);
	assert_int_equal(vm->nr_pages, 3);
	assert_true(vm->flags & VM_ALLOC);
	assert_ptr_equal(find_vm_area(a + 2 * PAGE_SIZE + 5), vm);
	assert_null(vmalloc_to_page(a + 3 * PAGE_SIZE));
	assert_true(b >= a + 4 * PAGE_SIZE);

	ng = get_vm_area(2 * PAGE_SIZE, VM_IOREMAP | VM_NO_GUARD);
	assert_non_null(ng);
	assert_int_equal(ng->size, 2 * PAGE_SIZE);
	assert_int_equal(get_vm_area_size(ng), 2 * PAGE_SIZE);
	assert_null(vmalloc_to_page(ng->addr));
	free_vm_area(ng);
	vfree(b);
	vfree(a);
}

static void vzalloc_and_vmalloc_user_give_zeroed_memory(void **state)
{
	unsigned char *p = vmalloc(8 * PAGE_SIZE);
	unsigned char *z, *u;

	memset(p, 0xff, 8 * PAGE_SIZE);
	vfree(p);
	vm_unmap_aliases();
	z = vzalloc(8 * PAGE_SIZE);
	u = vmalloc_user(3 * PAGE_SIZE);
	assert_non_null(z);
	assert_non_null(u);
	for (unsigned long i = 0; i < 8 * PAGE_SIZE; i++)
		assert_int_equal(z[i], 0);
	for (unsigned long i = 0; i < 3 * PAGE_SIZE; i++)
		assert_int_equal(u[i], 0);
	assert_true(find_vm_area(u)->flags & VM_USERMAP);
	vfree(z);
	vfree(u);
}

static void vmalloc_32_stays_in_low_memory(void **state)
{
	char *p = vmalloc_32(16 * PAGE_SIZE);
	char *q = vmalloc_node(PAGE_SIZE, NUMA_NO_NODE);

	assert_non_null(p);
	assert_non_null(q);
	for (int i = 0; i < 16; i++)
		assert_false(PageHighMem(vmalloc_to_page(p + i * PAGE_SIZE)));
	vfree(p);
	vfree(q);
}

static void aligned_requests_get_aligned_addresses(void **state)
{
	/* Two pages and a guard: its end is off a 1 MiB boundary wherever VMALLOC_START is. */
	char *small = vmalloc(2 * PAGE_SIZE);
	char *big = __vmalloc_node(3 * PAGE_SIZE, 1UL << 20, GFP_KERNEL, NUMA_NO_NODE,
				   aligned_requests_get_aligned_addresses);
	char *after;

	assert_non_null(big);
	assert_int_equal((unsigned long)big & ((1UL << 20) - 1), 0);
	/* The hole the alignment left below stays usable. */
	after = vmalloc(PAGE_SIZE);
	assert_true(after < big);
	assert_true(vmalloc_state_valid());
	vfree(big);
	vfree(after);
	vfree(small);
	vm_unmap_aliases();
	assert_true(vmalloc_state_valid());
}

static void vmalloc_of_a_partial_page_rounds_up(void **state)
{
	char *p = vmalloc(100);
	struct vm_struct *vm = find_vm_area(p);

	assert_non_null(p);
	assert_int_equal(vm->nr_pages, 1);
	assert_int_equal(vm->size, 2 * PAGE_SIZE);
	memset(p, 1, PAGE_SIZE);
	vfree(p);
	vfree(NULL);
}

static void vmap_maps_given_pages_in_order_and_vunmap_keeps_them(void **state)
{
	struct page *pages[4];
	unsigned char *v;

	for (int i = 0; i < 4; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		((unsigned char *)page_address(pages[i]))[0] = (unsigned char)(10 + i);
	}
	/* Reverse order: the mapping must follow the array, not the frames. */
	{
		struct page *rev[4] = { pages[3], pages[2], pages[1], pages[0] };

		v = vmap(rev, 4, VM_MAP, PAGE_KERNEL);
	}
	assert_non_null(v);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(v[i * PAGE_SIZE], 13 - i);
		assert_ptr_equal(vmalloc_to_page(v + i * PAGE_SIZE), pages[3 - i]);
	}
	assert_true(find_vm_area(v)->flags & VM_MAP);
	assert_int_equal(find_vm_area(v)->nr_pages, 0);
	vunmap(v);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(page_count(pages[i]), 1);
		assert_int_equal(((unsigned char *)page_address(pages[i]))[0], 10 + i);
	}

	v = vmap(pages, 4, VM_MAP | VM_MAP_PUT_PAGES, PAGE_KERNEL);
	assert_non_null(v);
	assert_int_equal(find_vm_area(v)->nr_pages, 4);
	vfree(v); /* puts the pages */
}

static void kvmalloc_falls_back_to_vmalloc_when_kmalloc_cannot(void **state)
{
	unsigned long reports = kmm_report_count();
	char *small = kvmalloc(64 << 10, GFP_KERNEL);
	char *huge = kvzalloc(8 << 20, GFP_KERNEL); /* beyond kmalloc's largest block */

	assert_non_null(small);
	assert_false(is_vmalloc_addr(small));
	assert_non_null(huge);
	assert_true(is_vmalloc_addr(huge));
	assert_int_equal(huge[(8 << 20) - 1], 0);
	assert_int_equal(find_vm_area(huge)->nr_pages, 2048);
	/* vmalloc may sleep: an atomic kvmalloc has no fallback. */
	assert_null(kvmalloc(8 << 20, GFP_ATOMIC | __GFP_NOWARN));
	assert_null(kvmalloc_array(~0UL / 2, 4, GFP_KERNEL));
	kvfree(small);
	kvfree(huge);
	kvfree(NULL);
	assert_int_equal(kmm_report_count(), reports);
	assert_int_equal(vmalloc_nr_pages(), 0);
}

static void addresses_are_classified(void **state)
{
	char *p = vmalloc(PAGE_SIZE);
	unsigned long low = __get_free_page(GFP_KERNEL);

	assert_true(is_vmalloc_addr(p));
	assert_true(is_vmalloc_or_module_addr(p));
	assert_true(is_vmalloc_addr((void *)VMALLOC_START));
	assert_false(is_vmalloc_addr((void *)VMALLOC_END));
	assert_false(is_vmalloc_addr((void *)low));
	assert_false(is_vmalloc_or_module_addr((void *)low));
	assert_null(vmalloc_to_page((void *)low));
	assert_null(find_vm_area((void *)low));
	assert_int_equal(vmalloc_to_pfn((void *)VMALLOC_END - 1), 0);
	free_page(low);
	vfree(p);
}

static void vfree_frees_pages_at_once_and_addresses_lazily(void **state)
{
	unsigned long before, used;
	char *p, *text;
	struct kmm_vmalloc_usage u;

	drain_local_pages();
	before = nr_free_pages();
	p = vmalloc(16 * PAGE_SIZE);
	used = vmalloc_nr_pages();
	assert_int_equal(used, 16);
	vfree(p);
	assert_int_equal(vmalloc_nr_pages(), 0);
	drain_local_pages();
	assert_int_equal(nr_free_pages(), before);

	kmm_vmalloc_usage(&u);
	assert_int_equal(u.lazy_bytes, 17 * PAGE_SIZE);
	text = proc_text("vmallocinfo");
	assert_non_null(strstr(text, "   69632 unpurged vm_area\n"));
	free(text);

	vm_unmap_aliases();
	kmm_vmalloc_usage(&u);
	assert_int_equal(u.lazy_bytes, 0);
	assert_int_equal(u.areas, 0);
	assert_int_equal(u.free_bytes, VMALLOC_END - VMALLOC_START);
	assert_int_equal(u.largest_free, VMALLOC_END - VMALLOC_START);
	/* The lowest hole is the same again: the range is reused. */
	assert_ptr_equal(vmalloc(PAGE_SIZE), p);
	vfree(p);
	assert_true(vmalloc_state_valid());
}

static void vmallocinfo_shows_each_area_in_the_kernel_format(void **state)
{
	char *p = vmalloc(12288);
	char *v, *text, line[160];
	struct page *page = alloc_page(GFP_KERNEL);

	v = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	text = proc_text("vmallocinfo");
	snprintf(line, sizeof(line), "0x%08lx-0x%08lx   16384 ", (unsigned long)p,
		 (unsigned long)p + 16384);
	if (!kmm_layout.at_real_address)
		snprintf(line, sizeof(line), "0x%016lx-0x%016lx   16384 ", (unsigned long)p,
			 (unsigned long)p + 16384);
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, "vmallocinfo_shows_each_area_in_the_kernel_format+0x"));
	assert_non_null(strstr(text, " pages=3 vmalloc\n"));
	assert_non_null(
		strstr(text, "    8192 vmallocinfo_shows_each_area_in_the_kernel_format+0x"));
	assert_non_null(strstr(text, " vmap\n"));
	/* Sorted by address: the vmalloc area comes first. */
	assert_true(strstr(text, " pages=3 vmalloc") < strstr(text, " vmap\n"));
	free(text);
	vunmap(v);
	__free_page(page);
	vfree(p);
}

static void vmallocinfo_on_x86_64_adds_the_node_counts(void **state)
{
	char *p = vmalloc(12288);
	char *text = proc_text("vmallocinfo");

	assert_non_null(strstr(text, " pages=3 vmalloc N0=3\n"));
	assert_non_null(strstr(text, "0x"));
	free(text);
	vfree(p);
}

static void meminfo_counts_vmalloc_pages_in_vmalloc_used(void **state)
{
	unsigned long base = meminfo_kb("VmallocUsed:");
	char *p = vmalloc(5 * PAGE_SIZE);

	assert_int_equal(meminfo_kb("VmallocUsed:"), base + 20);
	assert_int_equal(meminfo_kb("VmallocTotal:"), (VMALLOC_END - VMALLOC_START) >> 10);
	vfree(p);
	assert_int_equal(meminfo_kb("VmallocUsed:"), base);
}

static void the_address_allocator_stays_consistent_under_random_use(void **state)
{
	enum { N = 200 };
	char *live[N] = { 0 };
	unsigned int seed = 12345;

	for (int round = 0; round < 3000; round++) {
		int i = (int)(rand_r(&seed) % N);

		if (live[i]) {
			assert_int_equal(live[i][0], (char)i);
			vfree(live[i]);
			live[i] = NULL;
		} else {
			live[i] =
				vmalloc((rand_r(&seed) % 8 + 1) * PAGE_SIZE - rand_r(&seed) % 100);
			assert_non_null(live[i]);
			live[i][0] = (char)i;
		}
		if (round % 500 == 0)
			assert_true(vmalloc_state_valid());
	}
	for (int i = 0; i < N; i++)
		vfree(live[i]);
	vm_unmap_aliases();
	assert_true(vmalloc_state_valid());
	assert_int_equal(vmalloc_nr_pages(), 0);
}

static void a_full_vmalloc_area_purges_lazy_areas_and_retries(void **state)
{
	unsigned long area = VMALLOC_END - VMALLOC_START;
	unsigned long chunk = area / 3;
	struct vm_struct *a, *b, *c;

	/* Address space only: two thirds reserved, freed lazily, then needed again. */
	a = get_vm_area(chunk, VM_IOREMAP);
	b = get_vm_area(chunk, VM_IOREMAP);
	assert_non_null(a);
	assert_non_null(b);
	free_vm_area(a);
	free_vm_area(b);
	c = get_vm_area(2 * chunk, VM_IOREMAP);
	assert_non_null(c);
	free_vm_area(c);
	assert_true(vmalloc_state_valid());
}

static void a_reboot_starts_with_an_empty_vmalloc_area(void **state)
{
	struct kmm_vmalloc_usage u;
	char *p = vmalloc(PAGE_SIZE);

	assert_non_null(p);
	kmm_shutdown();
	assert_int_equal(boot(NULL), 0);
	kmm_vmalloc_usage(&u);
	assert_int_equal(u.areas, 0);
	assert_int_equal(u.vmalloc_pages, 0);
	p = vmalloc(PAGE_SIZE);
	assert_ptr_equal(p, (void *)VMALLOC_START);
	vfree(p);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, boot, kmm_test_shutdown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(vmalloc_memory_is_virtually_contiguous_and_physically_scattered),
		T(writes_through_vmalloc_are_seen_through_the_linear_map_and_back),
		T(vmalloc_uses_high_memory_reached_through_kmap),
		T(each_area_is_followed_by_an_unmapped_guard_page),
		T(vzalloc_and_vmalloc_user_give_zeroed_memory),
		T(vmalloc_32_stays_in_low_memory),
		T(aligned_requests_get_aligned_addresses),
		T(vmalloc_of_a_partial_page_rounds_up),
		T(vmap_maps_given_pages_in_order_and_vunmap_keeps_them),
		T(kvmalloc_falls_back_to_vmalloc_when_kmalloc_cannot),
		T(addresses_are_classified),
		T(vfree_frees_pages_at_once_and_addresses_lazily),
		T(vmallocinfo_shows_each_area_in_the_kernel_format),
		cmocka_unit_test_setup_teardown(vmallocinfo_on_x86_64_adds_the_node_counts,
						boot_x86_64, kmm_test_shutdown),
		T(meminfo_counts_vmalloc_pages_in_vmalloc_used),
		T(the_address_allocator_stays_consistent_under_random_use),
		T(a_full_vmalloc_area_purges_lazy_areas_and_retries),
		T(a_reboot_starts_with_an_empty_vmalloc_area),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
