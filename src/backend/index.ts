// The cluster state store: the Backend interface, its errors, and the SQLite implementation.
export type { Backend, Item, PutOptions, WatchEvent, Watcher } from "./types.js";
export { AlreadyExistsError, BackendError, CompareFailedError, NotFoundError } from "./errors.js";
export { openSqliteBackend, SqliteBackend, type SqliteBackendOptions } from "./sqlite.js";
export { updateItem, type UpdateStep } from "./update.js";
