// The routes of the auth API: one table the server registers and the client calls, so the two
// cannot disagree on a method or a path. ":name" segments are URL-encoded parameters.

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RouteSpec {
  method: HttpMethod;
  path: string;
}

const route = (method: HttpMethod, path: string): RouteSpec => ({ method, path });

export const ROUTES = {
  join: route("POST", "/v1/join"),
  heartbeat: route("POST", "/v1/heartbeat"),
  listNodes: route("GET", "/v1/nodes"),
  login: route("POST", "/v1/login"),
  completeInvite: route("POST", "/v1/invites/complete"),
  getInvite: route("GET", "/v1/invites/:token"),
  authPreference: route("GET", "/v1/auth/preference"),
  addUser: route("POST", "/v1/users"),
  listUsers: route("GET", "/v1/users"),
  removeUser: route("DELETE", "/v1/users/:name"),
  resetUser: route("POST", "/v1/users/:name/reset"),
  listRoles: route("GET", "/v1/roles"),
  getRole: route("GET", "/v1/roles/:name"),
  putRole: route("PUT", "/v1/roles"),
  removeRole: route("DELETE", "/v1/roles/:name"),
  addToken: route("POST", "/v1/tokens"),
  listTokens: route("GET", "/v1/tokens"),
  removeToken: route("DELETE", "/v1/tokens/:token"),
  signCerts: route("POST", "/v1/certs/sign"),
  postEvents: route("POST", "/v1/events"),
  searchEvents: route("GET", "/v1/events"),
  uploadRecordingFile: route("PUT", "/v1/recordings/:sid/files/:name"),
  completeRecording: route("POST", "/v1/recordings/:sid/complete"),
  listRecordings: route("GET", "/v1/recordings"),
  getRecording: route("GET", "/v1/recordings/:sid"),
  readRecordingFile: route("GET", "/v1/recordings/:sid/files/:name"),
  status: route("GET", "/v1/status"),
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The path of a route with its parameters filled in (each URL-encoded). */
export function routePath(spec: RouteSpec, params: Readonly<Record<string, string>> = {}): string {
  return spec.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`route ${spec.path}: parameter ${name} missing`);
    return encodeURIComponent(value);
  });
}
