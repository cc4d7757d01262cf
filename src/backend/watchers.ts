// Delivers watch events to the watchers whose prefix covers the key: in the order they were
// emitted, always from a later turn of the event loop (never inside the write that caused them).
import { isUnder } from "./keys.js";
import type { WatchEvent, Watcher } from "./types.js";

interface Registration {
  prefix: string;
  onEvent: (event: WatchEvent) => void;
  /** Sequence number of the first event this watcher gets: none from before it was added. */
  from: number;
  open: boolean;
}

interface Queued {
  seq: number;
  event: WatchEvent;
}

function eventKey(event: WatchEvent): string {
  return event.type === "put" ? event.item.key : event.key;
}

export class WatchDispatcher {
  private readonly registrations = new Set<Registration>();
  private queue: Queued[] = [];
  private nextSeq = 0;
  private scheduled = false;

  /** `reportError` receives what a watcher's callback throws; delivery to the others goes on. */
  constructor(private readonly reportError: (error: unknown) => void) {}

  /** How many watchers are open. */
  get size(): number {
    return this.registrations.size;
  }

  /** Adds a watcher that receives the events emitted from now on. `onClose` runs once, after. */
  add(prefix: string, onEvent: (event: WatchEvent) => void, onClose: () => void): Watcher {
    const registration: Registration = { prefix, onEvent, from: this.nextSeq, open: true };
    this.registrations.add(registration);
    return {
      close: () => {
        if (!registration.open) return;
        registration.open = false;
        this.registrations.delete(registration);
        onClose();
      },
    };
  }

  /** Queues events for delivery in a later turn of the event loop. */
  emit(events: readonly WatchEvent[]): void {
    if (events.length === 0 || this.registrations.size === 0) return;
    for (const event of events) this.queue.push({ seq: this.nextSeq++, event });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  /** Closes every watcher; queued events are dropped. */
  closeAll(): void {
    for (const registration of this.registrations) registration.open = false;
    this.registrations.clear();
    this.queue = [];
  }

  private drain(): void {
    this.scheduled = false;
    // Events a callback causes go to a new batch, after this one.
    const batch = this.queue;
    this.queue = [];
    for (const { seq, event } of batch) {
      const key = eventKey(event);
      for (const registration of this.registrations) {
        // Checked per event: a callback may close its own or another watcher mid-batch.
        if (!registration.open || seq < registration.from || !isUnder(key, registration.prefix)) {
          continue;
        }
        try {
          registration.onEvent(event);
        } catch (error) {
          this.reportError(error);
        }
      }
    }
  }
}
