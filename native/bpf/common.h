/* Records the session programs write to their ring buffers, and the maps' key and value types.
 * Shared by the BPF programs and the N-API addon; src/bpf/records.ts decodes the same layouts
 * with DataView and test/integration/record-layout.test.ts checks both agree.
 * Every field has an explicit size and offset (no implicit padding), little-endian on our targets.
 */
#ifndef TELEPORT_BPF_COMMON_H
#define TELEPORT_BPF_COMMON_H

#define TASK_COMM_LEN 16

/* Largest path copied into a record (PATH_MAX); longer ones are cut and flagged. */
#define RECORD_PATH_MAX 4096
/* Largest argument block (argv strings, NUL-separated) copied into an exec record. */
#define RECORD_ARGS_MAX 16384

/* Record kinds; also the index of each kind's counter in the `lost` map. */
enum record_kind {
	RECORD_EXEC = 1,    /* -> command_events ring */
	RECORD_OPEN = 2,    /* -> disk_events ring */
	RECORD_CONNECT = 3, /* -> network_events ring */
};
#define RECORD_KIND_COUNT 4

/* Bits of session_info.kinds: which kinds a session records (its roles may limit them). */
#define KIND_BIT(kind) (1u << (kind))

/* Record flags. */
#define RECORD_F_PATH_TRUNCATED 0x1
#define RECORD_F_ARGS_TRUNCATED 0x2
/* The argument block could not be read at all (e.g. paged out): argv is empty, not wrong. */
#define RECORD_F_ARGS_UNREADABLE 0x4
/* The path could not be read at all (e.g. paged out): path_len is 0, the path is unknown. */
#define RECORD_F_PATH_UNREADABLE 0x8

/* Value of `session_cgroups` (key: __u64 cgroup id) and of `tracked` (key: __u32 tgid). */
struct session_info {
	__u64 session_key; /* chosen by user space, never 0 */
	__u32 kinds;       /* KIND_BIT(RECORD_EXEC) | ... */
	__u32 pad;
};

/* Value of `session_lost` (key: __u64 session_key): what the kernel could not record for that
 * session, indexed like `lost` (lost[0]: its processes that did not fit in `tracked`). */
struct session_lost {
	__u64 lost[RECORD_KIND_COUNT];
};

/* First 56 bytes of every record. */
struct record_header {
	__u32 kind;           /*  0: enum record_kind */
	__u32 size;           /*  4: whole record, header included */
	__u64 session_key;    /*  8 */
	__u64 cgroup_id;      /* 16: cgroup of the task when the event happened */
	__u64 ktime_ns;       /* 24: bpf_ktime_get_boot_ns() (CLOCK_BOOTTIME) */
	__u32 pid;            /* 32: tgid */
	__u32 ppid;           /* 36: tgid of the real parent */
	char comm[TASK_COMM_LEN]; /* 40: NUL-padded */
};                            /* 56 */

/* A command executed (return_code 0, from sched_process_exec) or that failed to execute
 * (return_code -errno, from sys_exit_execve/execveat). Followed by path_len bytes of path (no
 * NUL) and args_len bytes of argument block: argv[0], argv[1], ... each ending in NUL. */
struct exec_record {
	struct record_header h; /*  0 */
	__s32 return_code;      /* 56 */
	__u32 flags;            /* 60: RECORD_F_* */
	__u32 path_len;         /* 64 */
	__u32 args_len;         /* 68 */
	/* 72: char data[] */
};

/* A file opened (open, openat, openat2, creat). Followed by path_len bytes of path as given
 * by the caller (no NUL). */
struct open_record {
	struct record_header h; /*  0 */
	__s32 return_code;      /* 56: fd, or -errno */
	__s32 flags;            /* 60: O_* flags (creat: O_CREAT|O_WRONLY|O_TRUNC) */
	__u32 path_len;         /* 64 */
	__u32 record_flags;     /* 68: RECORD_F_* */
	/* 72: char path[] */
};

/* A TCP connect (sock:inet_sock_set_state -> TCP_SYN_SENT), in the connecting process. */
struct connect_record {
	struct record_header h; /*  0 */
	__u16 family;           /* 56: AF_INET (2) or AF_INET6 (10) */
	__u16 dport;            /* 58: host byte order */
	__u16 sport;            /* 60: host byte order; 0 when not yet bound */
	__u16 pad;              /* 62 */
	__u8 saddr[16];         /* 64: IPv4 in the first 4 bytes */
	__u8 daddr[16];         /* 80 */
};                          /* 96 */

#endif
