export { FileAuditLog, FileAuditLogReader } from "./file-audit-log.js";
export type { FileAuditLogOptions, FileAuditLogReaderOptions } from "./file-audit-log.js";
export type { AuditSearchQuery } from "./query.js";
export { DEFAULT_LIMIT, MAX_LIMIT } from "./query.js";
export type { AuditSearchResult } from "./search.js";
export type { FsyncPolicy } from "./writer.js";
export { AuditLogCursorError, AuditLogError, AuditLogQueryError } from "./errors.js";
