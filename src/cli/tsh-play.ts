// Recordings of the cluster for tsh play: downloaded through the proxy with the user's
// certificate (auth checks the roles and logs the playback) into a temporary folder.
import { assertNotExpired, withCluster } from "../client/index.js";
import type { ClusterRecordings } from "./play.js";
import { hasLogin, requireLogin } from "./tsh-context.js";

export const clusterRecordings: ClusterRecordings = {
  async fetch(sid, command) {
    if (!hasLogin(command)) return undefined;
    const { credentials, webProxy } = await requireLogin(command);
    assertNotExpired(credentials);
    return withCluster(webProxy, credentials, (client) => client.downloadRecordingToTemp(sid));
  },
};
