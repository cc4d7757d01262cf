// An ssh2 client connection for a test: resolves once logged in, rejects with ssh2's error (its
// `level` says which step failed) after closing the client.
import ssh2, { type ConnectConfig } from "ssh2";

const { Client } = ssh2;
export type SshClient = InstanceType<typeof Client>;

/** Connects to 127.0.0.1 within 10 s, unless `config` says another host or time. */
export function connectSsh2(config: ConnectConfig): Promise<SshClient> {
  const client = new Client();
  return new Promise((resolve, reject) => {
    client.on("ready", () => resolve(client));
    client.on("error", (err) => {
      client.end();
      reject(err);
    });
    client.connect({ host: "127.0.0.1", readyTimeout: 10_000, ...config });
  });
}
