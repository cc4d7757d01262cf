// Sends a session's audit events to auth while it runs, in batches: one request per second at
// most, the rest at flush(). A failed send is retried with the next batch (auth skips event uids
// it has stored). Every event is also in the session's recording on disk, so what this sender
// could not deliver is delivered from there (see delivery.ts) — memory stays bounded.
import { MAX_EVENTS_PER_BATCH, type AuthClient } from "../auth/index.js";
import type { Logger } from "../log/index.js";

const INTERVAL_MS = 1000;
/** Beyond this, events wait only on disk: the delivery of the finished recording sends them. */
const MAX_PENDING = 20 * MAX_EVENTS_PER_BATCH;

export class EventSender {
  #pending: object[] = [];
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();
  #failing = false;
  /** Some events were given up on here (too many pending): only the disk has them. */
  #dropped = false;

  constructor(
    private readonly client: AuthClient,
    private readonly logger: Logger,
  ) {}

  /** True when auth has acknowledged every event pushed so far. */
  get allDelivered(): boolean {
    return this.#pending.length === 0 && !this.#dropped;
  }

  push(event: object): void {
    if (this.#pending.length >= MAX_PENDING) {
      this.#dropped = true;
      return;
    }
    this.#pending.push(event);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, INTERVAL_MS);
  }

  /** Sends everything pushed so far; resolves when auth has it, or the send failed. */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#sending = this.#sending.then(async () => {
      while (this.#pending.length > 0) {
        const batch = this.#pending.slice(0, MAX_EVENTS_PER_BATCH);
        try {
          await this.client.sendEvents(batch);
        } catch (error) {
          if (!this.#failing) {
            this.logger.warn(
              { component: "node", err: error },
              `Sending ${this.#pending.length} audit events to auth failed; will retry.`,
            );
          }
          this.#failing = true;
          this.#timer ??= setTimeout(() => {
            this.#timer = undefined;
            void this.flush();
          }, INTERVAL_MS);
          return;
        }
        this.#pending.splice(0, batch.length);
        this.#failing = false;
      }
    });
    return this.#sending;
  }

  /** Stops sending: what is left is delivered from the recording on disk. */
  async close(): Promise<void> {
    await this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * After close(), for a recording that could not be written: the events auth has not
   * acknowledged, which must now be kept elsewhere, and whether some were given up on before.
   */
  takeUnsent(): { events: object[]; dropped: boolean } {
    const events = this.#pending;
    this.#pending = [];
    return { events, dropped: this.#dropped };
  }
}
