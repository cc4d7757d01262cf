// Session recordings: nodes upload files and complete them; auditors list what is published.
import { ROUTES } from "../../api/index.js";
import { builtin, rule } from "../authz.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

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
      access: rule("session", "list"),
      async handle() {
        return { recordings: await state.recordings.list() };
      },
    },
  ];
}
