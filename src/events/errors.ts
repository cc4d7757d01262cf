/** One field of an event that does not have the shape its type requires. */
export interface FieldIssue {
  /** The field's path: "dst_port", "argv[0]", "lost.kernel.disk"; "" for the event itself. */
  field: string;
  message: string;
}

/** An audit event that cannot be used: not an object, or a known type with a wrong field. */
export class AuditEventParseError extends Error {
  override readonly name = "AuditEventParseError";

  constructor(
    /** The event's type when it has one. */
    readonly eventType: string | undefined,
    readonly issues: readonly FieldIssue[],
  ) {
    const what = eventType === undefined ? "audit event" : `${eventType} event`;
    const details = issues.map((i) => (i.field ? `field "${i.field}": ${i.message}` : i.message));
    super(`invalid ${what}: ${details.join("; ")}`);
  }
}
