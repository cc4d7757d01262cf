// Rules that relate keys of different sections. Each runs only when the keys it reads were
// valid, so it never judges a value that already has its own problem.

/** The parts of a parsed file that the rules read. */
export interface CrossCheckedFile {
  readonly teleport: {
    readonly auth_server?: unknown;
    readonly proxy_server?: unknown;
    readonly auth_servers: readonly unknown[];
  };
  readonly auth_service: { readonly enabled: boolean; readonly session_recording: string };
  readonly ssh_service: {
    readonly enabled: boolean;
    readonly enhanced_recording: { readonly enabled: boolean };
  };
}

export interface CrossProblem {
  readonly path: readonly string[];
  readonly message: string;
}

export interface CrossRule {
  /** Key paths the rule reads. */
  readonly reads: readonly (readonly string[])[];
  readonly check: (file: CrossCheckedFile) => CrossProblem | undefined;
}

// Teleport refuses this pair: BPF events belong to a session recording, and "off" makes none.
const recordingOffWithEnhanced: CrossRule = {
  reads: [
    ["auth_service", "session_recording"],
    ["ssh_service", "enhanced_recording", "enabled"],
  ],
  check: (file) =>
    file.auth_service.session_recording === "off" && file.ssh_service.enhanced_recording.enabled
      ? {
          path: ["ssh_service", "enhanced_recording", "enabled"],
          message:
            `enhanced recording needs session recordings, but auth_service.session_recording is "off"; ` +
            `set session_recording to "node" or turn enhanced_recording off`,
        }
      : undefined,
};

// A node without a local auth service has to be told where its cluster is.
const nodeWithoutCluster: CrossRule = {
  reads: [
    ["auth_service", "enabled"],
    ["ssh_service", "enabled"],
    ["teleport", "auth_server"],
    ["teleport", "proxy_server"],
    ["teleport", "auth_servers"],
  ],
  check: (file) => {
    const { teleport } = file;
    const hasCluster =
      teleport.auth_server !== undefined ||
      teleport.proxy_server !== undefined ||
      teleport.auth_servers.length > 0;
    if (file.auth_service.enabled || !file.ssh_service.enabled || hasCluster) return undefined;
    return {
      path: ["teleport"],
      message:
        "set auth_server or proxy_server to the address of the cluster to join; " +
        "ssh_service is enabled and auth_service is disabled",
    };
  },
};

export const CROSS_RULES: readonly CrossRule[] = [recordingOffWithEnhanced, nodeWithoutCluster];

interface RawIssue {
  readonly code?: string;
  readonly path?: readonly PropertyKey[];
}

function overlaps(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether none of the keys the rule reads (or the sections holding them) had a problem. */
export function crossRuleApplies(rule: CrossRule, issues: readonly RawIssue[]): boolean {
  return issues.every(
    // An unknown key never changes a known one.
    (issue) =>
      issue.code === "unrecognized_keys" ||
      !rule.reads.some((read) => overlaps(read, issue.path ?? [])),
  );
}
