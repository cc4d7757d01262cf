export interface SystemdUnitOptions {
  /** Absolute path of the node binary that runs teleport. */
  nodePath: string;
  /** Absolute path of this installation's bin/teleport.js. */
  teleportPath: string;
  configPath: string;
  pidFile: string;
  envFile: string;
  fdLimit: number;
}

/** Quotes a word for an ExecStart= line when it holds characters systemd would split on. */
function systemdWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\])/g, "\\$1")}"`;
}

/** The unit `teleport install systemd` writes, modelled on Teleport's own. */
export function renderSystemdUnit(o: SystemdUnitOptions): string {
  const execStart = [
    o.nodePath,
    o.teleportPath,
    "start",
    "--config",
    o.configPath,
    `--pid-file=${o.pidFile}`,
  ]
    .map(systemdWord)
    .join(" ");
  return `[Unit]
Description=Teleport Service
After=network.target

[Service]
Type=simple
Restart=on-failure
EnvironmentFile=-${o.envFile}
ExecStart=${execStart}
PIDFile=${o.pidFile}
LimitNOFILE=${o.fdLimit}

[Install]
WantedBy=multi-user.target
`;
}
