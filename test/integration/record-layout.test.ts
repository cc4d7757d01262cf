import assert from "node:assert/strict";
import { test } from "node:test";
import { loadAddon } from "../../src/bpf/addon.js";
import {
  LAYOUT,
  RECORD_ARGS_MAX,
  RECORD_F_ARGS_TRUNCATED,
  RECORD_F_ARGS_UNREADABLE,
  RECORD_F_PATH_TRUNCATED,
  RECORD_F_PATH_UNREADABLE,
  RECORD_KIND_COUNT,
  RECORD_PATH_MAX,
  RecordKind,
} from "../../src/bpf/records.js";

// The addon compiles native/bpf/common.h and reports sizeof/offsetof of every field: the
// DataView decoders must read exactly those bytes.
test("the TypeScript decoders use the C record layouts of native/bpf/common.h", () => {
  assert.deepEqual(loadAddon().recordLayout(), LAYOUT);
});

test("record kinds, flags and limits agree with the C constants", () => {
  assert.deepEqual(loadAddon().recordConstants(), {
    TASK_COMM_LEN: 16,
    RECORD_PATH_MAX,
    RECORD_ARGS_MAX,
    RECORD_KIND_COUNT,
    RECORD_EXEC: RecordKind.exec,
    RECORD_OPEN: RecordKind.open,
    RECORD_CONNECT: RecordKind.connect,
    RECORD_F_PATH_TRUNCATED,
    RECORD_F_ARGS_TRUNCATED,
    RECORD_F_ARGS_UNREADABLE,
    RECORD_F_PATH_UNREADABLE,
  });
});
