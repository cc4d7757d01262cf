/** The audit log cannot do what was asked; the message says what to fix. */
export class AuditLogError extends Error {
  override readonly name: string = "AuditLogError";
}

/** A search query that is not valid; `field` names the query field at fault. */
export class AuditLogQueryError extends AuditLogError {
  override readonly name = "AuditLogQueryError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`audit log search: ${field}: ${message}`);
  }
}

/** A paging cursor that is damaged or was made for another query. */
export class AuditLogCursorError extends AuditLogError {
  override readonly name = "AuditLogCursorError";
}
