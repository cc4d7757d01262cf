import assert from "node:assert/strict";
import { test } from "node:test";
import { refuseMissingHooks } from "../../src/bpf/recorder.js";

test("a missing hook stops the recorder unless the syscall does not exist on this architecture", () => {
  assert.doesNotThrow(() =>
    refuseMissingHooks([
      "on_sys_enter_open",
      "on_sys_exit_open",
      "on_sys_enter_creat",
      "on_sys_exit_creat",
    ]),
  );
  assert.throws(
    () => refuseMissingHooks(["on_sys_enter_open", "on_sys_enter_openat", "on_sys_exit_openat"]),
    /^EnhancedRecordingUnavailable: this kernel lacks the tracepoints of on_sys_enter_openat, on_sys_exit_openat, so enhanced recording would miss events .*CONFIG_FTRACE_SYSCALLS=y.*enhanced_recording\.enabled: false$/,
  );
});
