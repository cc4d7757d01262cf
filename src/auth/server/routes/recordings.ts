// Session recordings: nodes upload files and complete them; auditors list what is published
// and read it back (tsh play, the web UI through the proxy).
import { ROUTES } from "../../api/index.js";
import { builtin, rule } from "../authz.js";
import type { Route } from "../http/router.js";
import { StreamBody } from "../http/stream.js";
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
    {
      spec: ROUTES.getRecording,
      access: rule("session", "read"),
      async handle({ params }) {
        return state.recordings.get(params["sid"] ?? "");
      },
    },
    {
      spec: ROUTES.readRecordingFile,
      access: rule("session", "read"),
      async handle({ params, caller }) {
        const { stream, bytes } = await state.recordings.openFile(
          params["sid"] ?? "",
          params["name"] ?? "",
          caller.require().name,
        );
        return new StreamBody(stream, bytes);
      },
    },
  ];
}
