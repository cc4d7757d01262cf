export {
  EnhancedEventCode,
  enhancedEvent,
  eventJsonLine,
  type EnhancedEvent,
  type EnhancedEventName,
  type SessionCommandEvent,
  type SessionDiskEvent,
  type SessionEventContext,
  type SessionNetworkEvent,
} from "./enhanced.js";
export { eventTime } from "./time.js";
export { lostEventsEvent, type LostCounts, type LostEventsEvent } from "./lost.js";
export { canonicalJson } from "./canonical.js";
export {
  EVENT_CODES,
  KNOWN_EVENT_TYPES,
  isEventOfType,
  isKnownEventType,
  type AuditEvent,
  type AuditEventOf,
  type KnownAuditEvent,
  type KnownEventType,
  type SessionEventType,
  type UnknownAuditEvent,
} from "./model.js";
export { eventSchemas, unknownEventSchema } from "./schema.js";
export { AuditEventParseError, type FieldIssue } from "./errors.js";
export { parseAuditEvent, parseAuditEventLine } from "./parse.js";
export {
  createEvent,
  SessionEventStream,
  type EventFields,
  type EventOptions,
  type SessionFields,
  type SessionStreamFields,
} from "./create.js";
export {
  AuditLogCursorError,
  AuditLogError,
  AuditLogQueryError,
  DEFAULT_LIMIT,
  FileAuditLog,
  FileAuditLogReader,
  MAX_LIMIT,
  type AuditSearchQuery,
  type AuditSearchResult,
  type FileAuditLogOptions,
  type FileAuditLogReaderOptions,
  type FsyncPolicy,
} from "./file-log/index.js";
export { summarizeEvent } from "./summary.js";
