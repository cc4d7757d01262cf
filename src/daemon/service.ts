/** A long-running part of the daemon (auth, proxy, SSH node, diagnostics). */
export interface Service {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A part the config enables that this build cannot run yet; the daemon says so at start. */
export interface MissingService {
  readonly name: string;
  readonly reason: string;
}
