// Typed errors of src/backend. Each message names the key or file at fault and what to do.

/** Base class: everything the backend throws on purpose is a BackendError. */
export class BackendError extends Error {
  override name = "BackendError";
}

/** create() found a live item under the key. */
export class AlreadyExistsError extends BackendError {
  override name = "AlreadyExistsError";

  constructor(readonly key: string) {
    super(`${key} already exists: use put to replace it, or compareAndSwap to update it`);
  }
}

/** The key holds no live item (it never existed, was deleted, or has expired). */
export class NotFoundError extends BackendError {
  override name = "NotFoundError";

  constructor(readonly key: string) {
    super(`${key} does not exist (or has expired): use create or put to write it`);
  }
}

/** compareAndSwap() lost a race: the item was written since the caller read it. */
export class CompareFailedError extends BackendError {
  override name = "CompareFailedError";

  constructor(
    readonly key: string,
    readonly expectedRevision: number,
    readonly actualRevision: number,
  ) {
    super(
      `${key} is at revision ${actualRevision}, not ${expectedRevision}: it was written since ` +
        `it was read; read it again and retry`,
    );
  }
}
