// Session recordings: nodes upload files and complete them; users list what is published and
// read it back (tsh play, the web UI through the proxy). Auditors and editors see every
// recording; a user who may log in to nodes (the access role) sees only the sessions they took
// part in, here, so no client can widen that.
import { ROUTES, type RouteSpec } from "../../api/index.js";
import { loginsFor, sessionScope, type SessionScope } from "../../roles/index.js";
import { authenticated, builtin, rule, type Caller } from "../authz.js";
import { accessDenied } from "../errors.js";
import type { Route } from "../http/router.js";
import { StreamBody } from "../http/stream.js";
import { tookPart } from "../recording-summary.js";
import type { AuthState } from "../state.js";
import { routeName, type RouteDeps } from "./context.js";

async function scopeOf(
  state: AuthState,
  caller: Caller,
  verb: "list" | "read",
): Promise<SessionScope> {
  const identity = caller.require();
  if (identity.kind === "builtin") return identity.role === "Admin" ? "all" : "none";
  const roles = await caller.roles();
  const user = await state.users.get(identity.name);
  return sessionScope(roles, verb, user === undefined ? [] : loginsFor(roles, user));
}

/** The usual 403 of a rule, naming the caller's roles. */
async function refuse(caller: Caller, verb: "list" | "read", spec: RouteSpec): Promise<never> {
  await rule("session", verb)(caller, routeName(spec));
  throw accessDenied(`access denied: ${routeName(spec)} is not allowed`);
}

/** Throws 403 unless the caller may read `sid`'s recording. */
async function checkRead(
  state: AuthState,
  caller: Caller,
  spec: RouteSpec,
  sid: string,
): Promise<void> {
  const scope = await scopeOf(state, caller, "read");
  if (scope === "all") return;
  if (scope === "none") await refuse(caller, "read", spec);
  const { summary } = await state.recordings.get(sid);
  const identity = caller.require();
  if (tookPart(summary, identity.name)) return;
  const roles = identity.kind === "user" ? identity.roleNames.join(", ") : identity.role;
  throw accessDenied(
    `access denied: user "${identity.name}" may not call ${routeName(spec)}: their roles (${roles}) do not allow read on session, and they took no part in session ${sid} (an auditor can replay it)`,
  );
}

export function recordingRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.uploadRecordingFile,
      access: builtin("Node"),
      async handle({ req, params, caller }) {
        const hostId = caller.require().name;
        return state.recordings.putFile(params["sid"] ?? "", params["name"] ?? "", req, hostId);
      },
    },
    {
      spec: ROUTES.completeRecording,
      access: builtin("Node"),
      async handle({ params, caller }) {
        return state.recordings.complete(params["sid"] ?? "", caller.require().name);
      },
    },
    {
      spec: ROUTES.listRecordings,
      access: authenticated,
      async handle({ caller }) {
        const scope = await scopeOf(state, caller, "list");
        if (scope === "none") await refuse(caller, "list", ROUTES.listRecordings);
        const recordings = await state.recordings.list();
        const name = caller.require().name;
        return {
          recordings:
            scope === "all" ? recordings : recordings.filter((r) => tookPart(r.summary, name)),
        };
      },
    },
    {
      spec: ROUTES.getRecording,
      access: authenticated,
      async handle({ params, caller }) {
        const sid = params["sid"] ?? "";
        await checkRead(state, caller, ROUTES.getRecording, sid);
        return state.recordings.get(sid);
      },
    },
    {
      spec: ROUTES.readRecordingFile,
      access: authenticated,
      async handle({ params, caller }) {
        const sid = params["sid"] ?? "";
        await checkRead(state, caller, ROUTES.readRecordingFile, sid);
        const { stream, bytes } = await state.recordings.openFile(
          sid,
          params["name"] ?? "",
          caller.require().name,
        );
        return new StreamBody(stream, bytes);
      },
    },
  ];
}
