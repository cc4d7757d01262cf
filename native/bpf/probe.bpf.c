// SPDX-License-Identifier: GPL-2.0
/* Smallest useful object: proves that the toolchain builds and that this kernel loads and
 * attaches a tracepoint program. It counts successful execs system-wide. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} exec_count SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int count_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	__u32 key = 0;
	__u64 *count = bpf_map_lookup_elem(&exec_count, &key);

	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
