// What every route module gets: the auth state, the node inventory, and the cluster's settings.
import type { SessionRecordingMode } from "../../../config/index.js";
import type { AuthState } from "../state.js";
import type { NodeInventory } from "../inventory.js";

export interface RouteDeps {
  state: AuthState;
  inventory: NodeInventory;
  sessionRecording: SessionRecordingMode;
}

/** "POST /v1/join": how a route is named in logs and messages. */
export function routeName(spec: { method: string; path: string }): string {
  return `${spec.method} ${spec.path}`;
}
