// Everything the auth server holds, set up in order on start: server id, backend, CAs (made on
// first start), preset roles, services, the audit log, its own TLS certificate and the admin
// identity for tctl.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { openSqliteBackend, type Backend } from "../../backend/index.js";
import type { SecondFactor, StaticToken } from "../../config/index.js";
import { FileAuditLog } from "../../events/index.js";
import type { Logger } from "../../log/index.js";
import { caPin, type ClusterCas } from "../ca/index.js";
import { RoleService } from "../roles/index.js";
import { TokenService } from "../tokens/index.js";
import { UserService, type LockoutPolicy } from "../users/index.js";
import { ensureAdminIdentity } from "./admin-identity.js";
import { loadOrCreateClusterCas } from "./cluster.js";
import { EventIngest } from "./event-ingest.js";
import { loadOrCreateHostUuid } from "./host-uuid.js";
import { RecordingStore } from "./recording-store.js";
import { issueServerTls, type ServerTls } from "./server-tls.js";

export const BACKEND_FILE = "backend.db";

export interface AuthStateOptions {
  dataDir: string;
  /** auth_service.cluster_name; the host name names a new cluster when absent. */
  clusterName?: string;
  hostname: string;
  /** The host of auth_service.listen_addr, for the server certificate. */
  listenHost: string;
  staticTokens?: readonly StaticToken[];
  /** Folder of the file audit log (<data_dir>/log by default). */
  auditLogDir: string;
  /** Root of the published recordings instead of <data_dir>/log (audit_sessions_uri). */
  sessionsLogRoot?: string | undefined;
  now: () => Date;
  lockout?: LockoutPolicy;
  /** auth_service.authentication.second_factor; off when absent. */
  secondFactor?: SecondFactor;
  logger: Logger;
}

export interface AuthState {
  readonly dataDir: string;
  readonly serverId: string;
  readonly clusterName: string;
  readonly hostname: string;
  readonly cas: ClusterCas;
  readonly caPin: string;
  readonly backend: Backend;
  readonly roles: RoleService;
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly auditLog: FileAuditLog;
  readonly ingest: EventIngest;
  readonly recordings: RecordingStore;
  readonly serverTls: ServerTls;
  readonly adminIdentityPath: string;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Waits for audit events written in the background (user.login), so a search sees them. */
  flushAudit(): Promise<void>;
  /** Renews <data_dir>/admin.identity when it has less than a day left. */
  renewAdminIdentity(): Promise<void>;
  close(): Promise<void>;
}

/** Runs every closer, last opened first; rethrows the first failure once all have run. */
async function closeAll(closers: readonly (() => Promise<void>)[]): Promise<void> {
  let first: unknown;
  for (const close of [...closers].reverse()) {
    try {
      await close();
    } catch (error) {
      first ??= error;
    }
  }
  if (first !== undefined) throw first;
}

export async function openAuthState(options: AuthStateOptions): Promise<AuthState> {
  const { dataDir, now, logger } = options;
  const log = logger.child({ component: "auth" });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const serverId = await loadOrCreateHostUuid(dataDir);
  const backendPath = join(dataDir, BACKEND_FILE);
  const backend = await openSqliteBackend({ path: backendPath, now });
  const closers: (() => Promise<void>)[] = [() => backend.close()];
  try {
    const { cas, created } = await loadOrCreateClusterCas(backend, {
      configuredName: options.clusterName,
      defaultName: options.hostname,
      now: now(),
      backendPath,
    });
    if (created)
      log.info({ cluster: cas.clusterName }, "Created the cluster's certificate authorities.");
    const roles = new RoleService(backend);
    const presets = await roles.ensurePresets();
    if (presets.length > 0) log.info({ roles: presets.join(",") }, "Created preset roles.");

    // user.login events are emitted synchronously by UserService and written in the background.
    const pending = new Set<Promise<void>>();
    const auditLog = await FileAuditLog.open({ dir: options.auditLogDir, serverId, now });
    closers.push(async () => {
      await Promise.all([...pending]);
      await auditLog.close();
    });
    const users = new UserService(backend, {
      clusterName: cas.clusterName,
      now,
      roles,
      ...(options.lockout === undefined ? {} : { lockout: options.lockout }),
      ...(options.secondFactor === undefined ? {} : { secondFactor: options.secondFactor }),
      events: (event) => {
        const write = auditLog.append([event]).catch((err: unknown) => {
          log.error({ err, event: event.event }, "Could not write an audit event.");
        });
        pending.add(write);
        void write.finally(() => pending.delete(write));
      },
    });
    const tokens = new TokenService(backend, {
      now,
      staticTokens: options.staticTokens ?? [],
    });
    const serverTls = await issueServerTls(cas.tlsCa, {
      hostname: options.hostname,
      listenHost: options.listenHost,
      now: now(),
    });
    const admin = await ensureAdminIdentity(dataDir, cas, now());
    if (admin.renewed) log.info({ path: admin.path }, "Wrote the admin identity for tctl.");
    const recordings = new RecordingStore({
      dataDir,
      serverId,
      clusterName: cas.clusterName,
      log: auditLog,
      now,
      sessionsLogRoot: options.sessionsLogRoot,
    });
    await recordings.prepare();

    return {
      dataDir,
      serverId,
      clusterName: cas.clusterName,
      hostname: options.hostname,
      cas,
      caPin: caPin(cas.tlsCa.certPem),
      backend,
      roles,
      users,
      tokens,
      auditLog,
      ingest: new EventIngest(backend, auditLog, cas.clusterName, now),
      recordings,
      serverTls,
      adminIdentityPath: admin.path,
      now,
      async flushAudit() {
        await Promise.all([...pending]);
      },
      logger: log,
      async renewAdminIdentity() {
        const renewed = await ensureAdminIdentity(dataDir, cas, now());
        if (renewed.renewed)
          log.info({ path: renewed.path }, "Renewed the admin identity for tctl.");
      },
      close: () => closeAll(closers),
    };
  } catch (error) {
    // The start already failed: that error, not a closing one, is the one to report.
    await closeAll(closers).catch(() => undefined);
    throw error;
  }
}
