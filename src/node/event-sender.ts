// Sends a session's audit events to auth in batches: one request per second at most, the rest
// at flush(). A failed send is logged and retried with the next batch (events are idempotent
// by uid on the auth side).
import type { AuthClient } from "../auth/index.js";
import type { Logger } from "../log/index.js";

const INTERVAL_MS = 1000;

export class EventSender {
  #pending: object[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: AuthClient,
    private readonly logger: Logger,
  ) {}

  push(event: object): void {
    this.#pending.push(event);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, INTERVAL_MS);
  }

  /** Sends everything pushed so far; resolves when auth has it (or the send failed). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sending = this.#sending.then(async () => {
      const batch = this.#pending;
      if (batch.length === 0) return;
      this.#pending = [];
      try {
        await this.client.sendEvents(batch);
      } catch (error) {
        this.#pending = [...batch, ...this.#pending];
        this.logger.warn(
          { component: "node", err: error },
          `Sending ${batch.length} audit events to auth failed; will retry.`,
        );
      }
    });
    return this.#sending;
  }
}
