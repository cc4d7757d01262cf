// tsh config: the OpenSSH configuration for the current profile's cluster.
import type { Command } from "commander";
import { opensshConfig } from "../client/index.js";
import { UsageError } from "./errors.js";
import type { CliIo } from "./run.js";
import { addClientOptions, requireLogin } from "./tsh-context.js";

export function addConfig(program: Command, io: CliIo): void {
  addClientOptions(
    program
      .command("config")
      .description("Print an OpenSSH config block for the cluster (append it to ~/.ssh/config)."),
  ).action(async (_options: object, command: Command) => {
    const { credentials, profile } = await requireLogin(command);
    if (profile === undefined) {
      // OpenSSH cannot read the key format of identity files.
      throw new UsageError("tsh config needs a profile (tsh login); it cannot use -i FILE");
    }
    io.stdout(
      opensshConfig({
        cluster: credentials.cluster,
        proxyHost: profile.sshProxy.host,
        proxyPort: profile.sshProxy.port,
        knownHosts: profile.paths.knownHosts,
        identityFile: profile.paths.privateKey,
        certificateFile: profile.paths.sshCert,
      }),
    );
  });
}
