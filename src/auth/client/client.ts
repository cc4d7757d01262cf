// AuthClient: one typed method per route of the auth API, sharing the route table and schemas
// with the server. Errors: AuthApiError (the server said no), AuthUnreachableError, AuthTlsError.
import type { Readable } from "node:stream";
import type { z } from "zod";
import {
  addTokenResponse,
  authPreferenceResponse,
  completeInviteResponse,
  completeRecordingResponse,
  emptyResponse,
  heartbeatResponse,
  inviteInfoResponse,
  inviteResponse,
  joinResponse,
  listNodesResponse,
  listRecordingsResponse,
  listRolesResponse,
  listTokensResponse,
  listUsersResponse,
  eventBatches,
  postEventsResponse,
  putRoleResponse,
  recordingEntry,
  roleEntry,
  ROUTES,
  routePath,
  searchEventsResponse,
  statusResponse,
  uploadFileResponse,
  userCertsResponse,
  type AddTokenRequest,
  type AddTokenResponse,
  type AddUserRequest,
  type AuthPreference,
  type CompleteRecordingResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type InviteInfo,
  type InviteResponse,
  type JoinRequest,
  type JoinResponse,
  type LoginRequest,
  type NodeRecord,
  type RecordingEntry,
  type RoleEntry,
  type SearchEventsQuery,
  type SearchEventsResponse,
  type SignCertsRequest,
  type StatusResponse,
  type TokenRecord,
  type UserCertsResponse,
  type UserRecord,
} from "../api/index.js";
import {
  downloadRecording,
  downloadRecordingToTemp,
  type DownloadedRecording,
} from "./download.js";
import { Transport, type TransportOptions } from "./transport.js";

export type AuthClientOptions = TransportOptions;

export class AuthClient {
  readonly #transport: Transport;

  constructor(options: AuthClientOptions) {
    this.#transport = new Transport(options);
  }

  get addr(): string {
    return this.#transport.addr;
  }

  // Joining and presence (nodes, proxies)

  join(request: JoinRequest): Promise<JoinResponse> {
    return this.#json(ROUTES.join, {}, joinResponse, request);
  }

  async heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.#json(ROUTES.heartbeat, {}, heartbeatResponse, request);
  }

  async listNodes(): Promise<NodeRecord[]> {
    return (await this.#json(ROUTES.listNodes, {}, listNodesResponse)).nodes;
  }

  // Users and logins

  login(request: LoginRequest): Promise<UserCertsResponse> {
    return this.#json(ROUTES.login, {}, userCertsResponse, request);
  }

  /** The cluster's second factor: what a login or signup form must ask for. */
  authPreference(): Promise<AuthPreference> {
    return this.#json(ROUTES.authPreference, {}, authPreferenceResponse);
  }

  /** The invite behind `token`, with its TOTP secret when the cluster enrolls one. */
  getInvite(token: string): Promise<InviteInfo> {
    return this.#json(ROUTES.getInvite, { token }, inviteInfoResponse);
  }

  async completeInvite(token: string, password: string, otpToken?: string): Promise<UserRecord> {
    const body = { token, password, ...(otpToken === undefined ? {} : { otpToken }) };
    return (await this.#json(ROUTES.completeInvite, {}, completeInviteResponse, body)).user;
  }

  signCerts(request: SignCertsRequest): Promise<UserCertsResponse> {
    return this.#json(ROUTES.signCerts, {}, userCertsResponse, request);
  }

  addUser(request: AddUserRequest): Promise<InviteResponse> {
    return this.#json(ROUTES.addUser, {}, inviteResponse, request);
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.#json(ROUTES.listUsers, {}, listUsersResponse)).users;
  }

  async removeUser(name: string): Promise<void> {
    await this.#json(ROUTES.removeUser, { name }, emptyResponse);
  }

  resetUser(name: string): Promise<InviteResponse> {
    return this.#json(ROUTES.resetUser, { name }, inviteResponse);
  }

  // Roles

  async listRoles(): Promise<RoleEntry[]> {
    return (await this.#json(ROUTES.listRoles, {}, listRolesResponse)).roles;
  }

  getRole(name: string): Promise<RoleEntry> {
    return this.#json(ROUTES.getRole, { name }, roleEntry);
  }

  /** Creates the role in `yaml`; replaces an existing one only with overwrite. */
  putRole(
    yaml: string,
    options: { overwrite?: boolean } = {},
  ): Promise<{ name: string; created: boolean }> {
    return this.#json(ROUTES.putRole, {}, putRoleResponse, {
      yaml,
      overwrite: options.overwrite ?? false,
    });
  }

  async removeRole(name: string): Promise<void> {
    await this.#json(ROUTES.removeRole, { name }, emptyResponse);
  }

  // Join tokens

  addToken(request: AddTokenRequest): Promise<AddTokenResponse> {
    return this.#json(ROUTES.addToken, {}, addTokenResponse, request);
  }

  async listTokens(): Promise<TokenRecord[]> {
    return (await this.#json(ROUTES.listTokens, {}, listTokensResponse)).tokens;
  }

  async removeToken(token: string): Promise<void> {
    await this.#json(ROUTES.removeToken, { token }, emptyResponse);
  }

  // Audit events

  /** Sends a batch; sending the same events again stores nothing new (by uid). */
  /** Sends audit events in as many requests as auth's limits need (eventBatches). */
  async sendEvents(events: readonly object[]): Promise<{ stored: number; duplicates: number }> {
    const total = { stored: 0, duplicates: 0 };
    for (const batch of eventBatches(events)) {
      const sent = await this.#json(ROUTES.postEvents, {}, postEventsResponse, { events: batch });
      total.stored += sent.stored;
      total.duplicates += sent.duplicates;
    }
    return total;
  }

  searchEvents(query: SearchEventsQuery = {}): Promise<SearchEventsResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const search = params.size > 0 ? `?${params.toString()}` : "";
    const spec = ROUTES.searchEvents;
    return this.#transport.call(spec, `${routePath(spec)}${search}`, searchEventsResponse);
  }

  // Recordings

  uploadRecordingFile(
    sid: string,
    name: string,
    data: Buffer | Readable,
  ): Promise<{ name: string; bytes: number }> {
    const spec = ROUTES.uploadRecordingFile;
    return this.#transport.call(spec, routePath(spec, { sid, name }), uploadFileResponse, {
      raw: data,
    });
  }

  /** Verifies and publishes the uploaded files; AuthApiError 422 names the first bad event. */
  completeRecording(sid: string): Promise<CompleteRecordingResponse> {
    return this.#json(ROUTES.completeRecording, { sid }, completeRecordingResponse);
  }

  async listRecordings(): Promise<RecordingEntry[]> {
    return (await this.#json(ROUTES.listRecordings, {}, listRecordingsResponse)).recordings;
  }

  /** A published recording's files and size; AuthApiError 404 when there is none. */
  getRecording(sid: string): Promise<RecordingEntry> {
    return this.#json(ROUTES.getRecording, { sid }, recordingEntry);
  }

  /** One file of a published recording as a stream; reading the index is logged as a playback. */
  openRecordingFile(sid: string, name: string): Promise<Readable> {
    const spec = ROUTES.readRecordingFile;
    return this.#transport.stream(spec, routePath(spec, { sid, name }));
  }

  /**
   * Downloads a published recording into `dir` (made if missing), for RecordingReader.open(dir,
   * { sid }); auth logs it as one playback (session.recording.access).
   */
  downloadRecording(sid: string, dir: string): Promise<RecordingEntry> {
    return downloadRecording(this, sid, dir);
  }

  /** downloadRecording into a temporary folder; the caller removes it once played. */
  downloadRecordingToTemp(sid: string): Promise<DownloadedRecording> {
    return downloadRecordingToTemp(this, sid);
  }

  status(): Promise<StatusResponse> {
    return this.#json(ROUTES.status, {}, statusResponse);
  }

  #json<S extends z.ZodType>(
    spec: (typeof ROUTES)[keyof typeof ROUTES],
    params: Record<string, string>,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S>> {
    return this.#transport.call(
      spec,
      routePath(spec, params),
      schema,
      body === undefined ? undefined : { json: body },
    );
  }
}
