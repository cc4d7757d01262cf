import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildTeleportCli } from "../../src/cli/teleport.js";
import { repoRoot } from "../../src/paths.js";
import { runInProcess } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const teleportJs = join(repoRoot(), "bin", "teleport.js");

describe("teleport install systemd", () => {
  it("prints Teleport's unit, starting this installation's teleport with absolute paths", async () => {
    const result = await runInProcess(buildTeleportCli, ["install", "systemd"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        "[Unit]",
        "Description=Teleport Service",
        "After=network.target",
        "",
        "[Service]",
        "Type=simple",
        "Restart=on-failure",
        "EnvironmentFile=-/etc/default/teleport",
        `ExecStart=${process.execPath} ${teleportJs} start --config /etc/teleport.yaml --pid-file=/run/teleport.pid`,
        "PIDFile=/run/teleport.pid",
        "LimitNOFILE=524288",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
  });

  it("-o writes the unit (0644) with the given config, pid file and fd limit", async () => {
    const dir = tempDir();
    const file = join(dir, "teleport.service");
    const result = await runInProcess(buildTeleportCli, [
      "install",
      "systemd",
      "-o",
      file,
      "--config",
      "/etc/teleport/node.yaml",
      "--pid-file",
      "/run/teleport-node.pid",
      "--fd-limit",
      "65536",
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`Wrote systemd unit to ${file}`));
    const unit = readFileSync(file, "utf8");
    assert.equal(statSync(file).mode & 0o777, 0o644);
    assert.match(
      unit,
      /--config \/etc\/teleport\/node\.yaml --pid-file=\/run\/teleport-node\.pid\n/,
    );
    assert.match(unit, /^PIDFile=\/run\/teleport-node\.pid$/m);
    assert.match(unit, /^LimitNOFILE=65536$/m);
  });

  it(
    "is accepted by systemd-analyze verify",
    { skip: !existsSync("/usr/bin/systemd-analyze") && "systemd-analyze is not installed" },
    async () => {
      const dir = tempDir();
      const file = join(dir, "teleport.service");
      const result = await runInProcess(buildTeleportCli, ["install", "systemd", "-o", file]);
      assert.equal(result.code, 0, result.stderr);
      // verify exits 0 even for ignored lines, so its warnings about the file are the signal.
      const verify = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
      assert.equal(verify.status, 0, verify.stderr);
      assert.doesNotMatch(verify.stdout + verify.stderr, /teleport\.service/);
    },
  );
});
