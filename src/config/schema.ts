// The shape of teleport.yaml v3 as zod schemas: keys, types, defaults.
import { isIP } from "node:net";
import { hostname } from "node:os";
import { isAbsolute } from "node:path";
import * as z from "zod";
import { CROSS_RULES, crossRuleApplies } from "./cross-checks.js";
import {
  DEFAULT_PORTS,
  DEFAULTS,
  ENHANCED_RECORDING_DEFAULTS,
  MAX_BUFFER_PAGES,
} from "./defaults.js";
import { expectedGot, quote } from "./describe.js";
import {
  blankIsUnset,
  dialAddress,
  expecting,
  expectingText,
  flag,
  list,
  listenAddress,
  must,
  oneOf,
  oneOrList,
  optionalAddress,
  optionalText,
  pages,
  pattern,
  requiredText,
  section,
  text,
} from "./fields.js";
import { parseStaticToken } from "./tokens.js";
import { SESSION_RECORDING_MODES, type SecondFactor, type SessionRecordingMode } from "./types.js";

function versionProblem(found: unknown): string {
  if (found === undefined) {
    return `missing; add "version: v3" at the top of the file (only v3 configs are supported)`;
  }
  if (found === "v1" || found === "v2") {
    return `only "v3" is supported, got ${quote(found)}; migrate by setting "version: v3"`;
  }
  return expectedGot(`"v3"`, found);
}

const LOG_OUTPUT = `"stderr", "stdout" or an absolute file path`;

// The logger writes to stderr, stdout or a file; Teleport's "syslog" has no writer here, and a
// relative path would depend on the directory the daemon happens to start in.
const logOutput = z.string(expecting(LOG_OUTPUT)).transform((written, ctx) => {
  const word = written.toLowerCase();
  if (word === "stderr" || word === "stdout") return word;
  if (isAbsolute(written)) return written;
  ctx.addIssue({ code: "custom", message: expectedGot(LOG_OUTPUT, written), input: written });
  return z.NEVER;
});

const upper = (word: string): string => word.toUpperCase();
const lower = (word: string): string => word.toLowerCase();

const logSection = section({
  output: z.preprocess(blankIsUnset, logOutput.default(DEFAULTS.log_output)),
  severity: z.preprocess(
    blankIsUnset,
    oneOf(["DEBUG", "INFO", "WARN", "ERROR"], {
      fold: upper,
      // Spellings Teleport also accepts.
      aliases: { WARNING: "WARN", ERR: "ERROR" },
    }).default(DEFAULTS.log_severity),
  ),
  format: section(
    {
      output: z.preprocess(
        blankIsUnset,
        oneOf(["text", "json"], { fold: lower }).default(DEFAULTS.log_format),
      ),
      extra_fields: list(
        oneOf(["level", "component", "caller", "timestamp"], { fold: lower }),
        "a list of log fields",
      ),
    },
    "a mapping such as {output: json}",
  ),
});

const CA_PIN = `"sha256:" followed by 64 hex digits`;

const teleportSection = section({
  nodename: text("a node name", () => hostname()),
  data_dir: text("a folder path", DEFAULTS.data_dir),
  auth_token: optionalText("a join token or a path to a file holding it", true),
  // Real Teleport v3 refuses auth_server together with proxy_server, but the enhanced session
  // recording guide sets both and must work as written: both are kept, the node picks one.
  auth_server: optionalAddress(DEFAULT_PORTS.auth),
  proxy_server: optionalAddress(DEFAULT_PORTS.proxy_web),
  // The list form from config v1/v2, still accepted for configs that were only re-versioned.
  auth_servers: list(dialAddress(DEFAULT_PORTS.auth), "a list of host:port addresses"),
  ca_pin: oneOrList(
    pattern(CA_PIN, (pin) => /^sha256:[0-9a-f]{64}$/i.test(pin)),
    `a CA pin (${CA_PIN}) or a list of them`,
  ),
  // The IP a node announces (default: its listen host, or on 0.0.0.0/:: the one it reaches
  // the cluster from).
  advertise_ip: z.preprocess(
    blankIsUnset,
    pattern(`an IP address such as "10.1.0.5"`, (ip) => isIP(ip) !== 0).optional(),
  ),
  diag_addr: optionalAddress(DEFAULT_PORTS.diag),
  log: logSection,
});

const URI = `a URI such as "file:///var/lib/teleport/log"`;
const uri = pattern(URI, (value) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value));

const staticToken = z
  .string(expecting(`a "ROLE[,ROLE]:TOKEN" string such as "node:abcd123"`, true))
  .transform((written, ctx) => {
    const parsed = parseStaticToken(written);
    if (parsed.ok) return parsed.token;
    ctx.addIssue({ code: "custom", message: parsed.problem, input: written });
    return z.NEVER;
  });

/**
 * One of `words`, in any case. Teleport has values this cluster does not support: `refused`
 * names them (lowercase) with why, so nobody hunts for a typo in a word Teleport knows.
 */
function oneWordOf<T extends string>(
  words: readonly T[],
  refused: ReadonlyMap<string, (written: string) => string>,
): z.ZodType<T, string> {
  const expected = `one of ${words.join(", ")}`;
  return z.string(expecting(expected)).transform((written, ctx): T => {
    const word = written.toLowerCase();
    const found = words.find((w) => w === word);
    if (found !== undefined) return found;
    ctx.addIssue({
      code: "custom",
      message: refused.get(word)?.(written) ?? expectedGot(expected, written),
      input: written,
    });
    return z.NEVER;
  });
}

// "on" and "webauthn" need WebAuthn (a browser and a hardware key), which this cluster lacks.
const needsWebauthn = (written: string): string =>
  `${quote(written)} needs WebAuthn (hardware keys), which is not supported here: only ` +
  "off, otp and optional are (otp: every user enters a code from an authenticator app)";
const secondFactor = oneWordOf<SecondFactor>(
  ["off", "otp", "optional"],
  new Map([
    ["on", needsWebauthn],
    ["webauthn", needsWebauthn],
  ]),
);

// The proxy modes record at the proxy, which would have to end the SSH connection there; this
// proxy passes it to the node untouched.
const recordsAtProxy = (written: string): string =>
  `${quote(written)} (recording at the proxy) is not supported: the proxy passes SSH ` +
  "through to the nodes, which record the sessions; use node, node-sync or off";
const sessionRecording = oneWordOf<SessionRecordingMode>(
  SESSION_RECORDING_MODES,
  new Map([
    ["proxy", recordsAtProxy],
    ["proxy-sync", recordsAtProxy],
  ]),
);

const authentication = section(
  {
    // Local users only: SSO connectors (github, oidc, saml) are not built.
    type: z.preprocess(blankIsUnset, oneOf(["local"], { fold: lower }).default("local")),
    second_factor: z.preprocess(blankIsUnset, secondFactor.default(DEFAULTS.second_factor)),
  },
  "a mapping such as {type: local, second_factor: otp}",
);

const authSection = section({
  enabled: flag(true),
  listen_addr: listenAddress(DEFAULT_PORTS.auth, DEFAULTS.auth_listen_addr),
  cluster_name: optionalText("a cluster name"),
  session_recording: z.preprocess(
    blankIsUnset,
    sessionRecording.default(DEFAULTS.session_recording),
  ),
  audit_events_uri: oneOrList(uri, `${URI} or a list of them`),
  audit_sessions_uri: z.preprocess(blankIsUnset, uri.optional()),
  tokens: list(staticToken, `a list of "ROLE[,ROLE]:TOKEN" strings`, true),
  authentication,
});

const keyPair = z.strictObject(
  {
    key_file: requiredText("a path to a PEM private key file"),
    cert_file: requiredText("a path to a PEM certificate file"),
  },
  expecting("a mapping with key_file and cert_file"),
);

const proxySection = section({
  enabled: flag(true),
  web_listen_addr: listenAddress(DEFAULT_PORTS.proxy_web, DEFAULTS.proxy_web_listen_addr),
  listen_addr: listenAddress(DEFAULT_PORTS.proxy_ssh, DEFAULTS.proxy_listen_addr),
  public_addr: oneOrList(
    dialAddress(DEFAULT_PORTS.proxy_web),
    "a host:port address or a list of them",
  ),
  https_keypairs: list(keyPair, "a list of mappings with key_file and cert_file"),
});

// Teleport's label name pattern.
const LABEL_NAME = /^[A-Za-z0-9/._:*-]+$/;

const labelValue = z.string(expectingText("a string"));

const labels = z.preprocess(
  (value: unknown) => value ?? {},
  z.record(z.string(), labelValue, expecting("a mapping of label names to values")).superRefine(
    (map, ctx) => {
      for (const name of Object.keys(map)) {
        if (LABEL_NAME.test(name)) continue;
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `invalid label name ${quote(name)}; use letters, digits and / . _ : * -`,
          input: name,
        });
      }
    },
    // Check names even when some values are wrong, so every problem shows at once.
    { when: (payload) => typeof payload.value === "object" && payload.value !== null },
  ),
);

const { enabled: enhancedDefault, ...bufferDefaults } = ENHANCED_RECORDING_DEFAULTS;

const enhancedRecording = section({
  enabled: flag(enhancedDefault),
  command_buffer_size: pages(bufferDefaults.command_buffer_size, MAX_BUFFER_PAGES),
  disk_buffer_size: pages(bufferDefaults.disk_buffer_size, MAX_BUFFER_PAGES),
  network_buffer_size: pages(bufferDefaults.network_buffer_size, MAX_BUFFER_PAGES),
  cgroup_path: text("an absolute path", bufferDefaults.cgroup_path).superRefine(
    must((path: string) => path.startsWith("/"), "an absolute path"),
  ),
  // root_path is joined under cgroup_path; ".." would let it escape that hierarchy.
  root_path: text('a path starting with "/"', bufferDefaults.root_path).superRefine(
    must(
      (path: string) => path.startsWith("/") && !path.split("/").includes(".."),
      `a path starting with "/" without ".." segments`,
    ),
  ),
});

const sshSection = section({
  enabled: flag(true),
  listen_addr: listenAddress(DEFAULT_PORTS.node_ssh, DEFAULTS.ssh_listen_addr),
  labels,
  enhanced_recording: enhancedRecording,
});

function rootProblem(found: unknown): string {
  if (found === null || found === undefined) {
    return `the file has no settings; expected a mapping that starts with "version: v3"`;
  }
  return expectedGot("a mapping of settings", found);
}

const fileObject = z.strictObject(
  {
    version: z.literal("v3", { error: (issue) => versionProblem(issue.input) }),
    teleport: teleportSection,
    auth_service: authSection,
    proxy_service: proxySection,
    ssh_service: sshSection,
  },
  {
    error: (issue) => (issue.code === "unrecognized_keys" ? undefined : rootProblem(issue.input)),
  },
);

/** The whole file: fields, then the rules that relate fields of different sections. */
export const fileSchema = CROSS_RULES.reduce(
  (schema, rule) =>
    schema.superRefine(
      (file, ctx) => {
        const problem = rule.check(file);
        if (problem)
          ctx.addIssue({ code: "custom", path: [...problem.path], message: problem.message });
      },
      { when: (payload) => crossRuleApplies(rule, payload.issues) },
    ),
  fileObject,
);

export type ParsedFile = z.output<typeof fileSchema>;
