// Recordings of the cluster for tsh play: downloaded through the proxy with the user's
// certificate (auth checks the roles and logs the playback) into a temporary folder.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertNotExpired, withCluster } from "../client/index.js";
import type { ClusterRecordings } from "./play.js";
import { hasLogin, requireLogin } from "./tsh-context.js";

export const clusterRecordings: ClusterRecordings = {
  async fetch(sid, command) {
    if (!hasLogin(command)) return undefined;
    const { credentials, webProxy } = await requireLogin(command);
    assertNotExpired(credentials);
    const dir = await mkdtemp(join(tmpdir(), "tsh-play-"));
    const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
    try {
      await withCluster(webProxy, credentials, (client) => client.downloadRecording(sid, dir));
    } catch (error) {
      await remove();
      throw error;
    }
    return { dir, remove };
  },
};
