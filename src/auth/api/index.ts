// The auth API's contract: routes, and zod schemas of every request and response body, shared
// by the server (which validates requests) and the client (which validates responses).
export {
  AUTH_SERVER_NAME,
  SYSTEM_ROLES,
  describeIssues,
  emptyResponse,
  errorBody,
  isSystemRoleName,
  userCertsResponse,
  type ErrorBody,
  type SystemRole,
  type UserCertsResponse,
} from "./common.js";
export { ROUTES, routePath, type HttpMethod, type RouteName, type RouteSpec } from "./routes.js";
export { RouteMatcher, type RouteMatch } from "./route-match.js";
export { joinRequest, joinResponse, type JoinRequest, type JoinResponse } from "./join.js";
export {
  heartbeatRequest,
  heartbeatResponse,
  listNodesResponse,
  nodeRecord,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type NodeRecord,
} from "./nodes.js";
export {
  addUserRequest,
  authPreferenceResponse,
  completeInviteRequest,
  completeInviteResponse,
  inviteInfoResponse,
  inviteResponse,
  listUsersResponse,
  loginRequest,
  secondFactorMode,
  signCertsRequest,
  userRecord,
  type AddUserRequest,
  type AuthPreference,
  type CompleteInviteRequest,
  type InviteInfo,
  type InviteResponse,
  type LoginRequest,
  type SecondFactorMode,
  type SignCertsRequest,
  type UserRecord,
} from "./users.js";
export {
  listRolesResponse,
  putRoleRequest,
  putRoleResponse,
  roleEntry,
  type PutRoleRequest,
  type RoleEntry,
} from "./roles.js";
export {
  addTokenRequest,
  addTokenResponse,
  listTokensResponse,
  tokenRecord,
  type AddTokenRequest,
  type AddTokenResponse,
  type TokenRecord,
} from "./tokens.js";
export {
  eventBatches,
  MAX_EVENTS_BODY_BYTES,
  MAX_EVENTS_PER_BATCH,
  postEventsRequest,
  postEventsResponse,
  searchEventsQuery,
  searchEventsResponse,
  type PostEventsRequest,
  type SearchEventsQuery,
  type SearchEventsResponse,
} from "./events.js";
export {
  completeRecordingResponse,
  isSafeSessionId,
  listRecordingsResponse,
  recordingEntry,
  recordingFileNames,
  recordingSummary,
  uploadFileResponse,
  type CompleteRecordingResponse,
  type RecordingEntry,
  type RecordingSummary,
} from "./recordings.js";
export { statusResponse, type StatusResponse } from "./status.js";
