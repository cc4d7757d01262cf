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
