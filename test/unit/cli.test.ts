import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Command } from "commander";
import { buildTctlCli } from "../../src/cli/tctl.js";
import { buildTeleportCli } from "../../src/cli/teleport.js";
import { buildTshCli } from "../../src/cli/tsh.js";
import type { CliIo } from "../../src/cli/run.js";
import { runInProcess } from "../helpers/cli.js";

const silent: CliIo = { stdout: () => undefined, stderr: () => undefined };
const programs: [string, (io: CliIo) => Command][] = [
  ["teleport", buildTeleportCli],
  ["tctl", buildTctlCli],
  ["tsh", buildTshCli],
];

/** Every command path of a tree, e.g. ["tokens", "add"], so help is checked on each one. */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    return [path, ...commandPaths(sub, path)];
  });
}

describe("CLI help", () => {
  for (const [name, build] of programs) {
    it(`${name} --help lists its commands and exits 0`, async () => {
      const result = await runInProcess(build, ["--help"]);
      assert.equal(result.code, 0);
      assert.match(result.stdout, new RegExp(`^Usage: ${name} `));
      for (const sub of build(silent).commands) {
        assert.ok(result.stdout.includes(sub.name()), `help lists ${sub.name()}`);
      }
    });

    it(`${name}: every subcommand has --help that exits 0`, async () => {
      const paths = commandPaths(build(silent));
      assert.ok(paths.length >= 4);
      for (const path of paths) {
        const result = await runInProcess(build, [...path, "--help"]);
        assert.equal(result.code, 0, `${name} ${path.join(" ")} --help`);
        assert.match(result.stdout, new RegExp(`Usage: ${name} ${path.join(" ")}`));
      }
    });
  }

  it("the guide's commands exist", () => {
    const tctl = commandPaths(buildTctlCli(silent)).map((p) => p.join(" "));
    for (const command of ["status", "nodes add", "tokens ls", "tokens rm"]) {
      assert.ok(tctl.includes(command), `tctl ${command}`);
    }
    const teleport = commandPaths(buildTeleportCli(silent)).map((p) => p.join(" "));
    for (const command of ["start", "install systemd", "configure", "version", "record"]) {
      assert.ok(teleport.includes(command), `teleport ${command}`);
    }
  });
});

describe("CLI exit codes", () => {
  it("an unknown command is a usage error (2) that names it", async () => {
    const result = await runInProcess(buildTeleportCli, ["strat"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'strat'/);
    assert.match(result.stderr, /\(Did you mean start\?\)/);
  });

  it("an unknown option is a usage error (2)", async () => {
    const result = await runInProcess(buildTeleportCli, ["start", "--confg", "x"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option '--confg'/);
  });

  it("an option without its value is a usage error (2)", async () => {
    const result = await runInProcess(buildTeleportCli, ["start", "--config"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /option '-c, --config <file>' argument missing/);
  });

  it("a bad option value is a usage error (2) that says what is expected", async () => {
    const result = await runInProcess(buildTeleportCli, [
      "install",
      "systemd",
      "--fd-limit",
      "lots",
    ]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /expected a positive whole number, got "lots"/);
  });

  it("a command group called alone prints its help and exits 2", async () => {
    const result = await runInProcess(buildTctlCli, ["tokens"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: tctl tokens/);
  });

  it("no command at all prints help and exits 2", async () => {
    const result = await runInProcess(buildTshCli, []);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: tsh/);
  });

  it("teleport record checks its arguments before touching the kernel", async () => {
    const noCommand = await runInProcess(buildTeleportCli, ["record"]);
    assert.equal(noCommand.code, 2);
    assert.match(noCommand.stderr, /missing required argument 'command'/);
    const badKinds = await runInProcess(buildTeleportCli, [
      "record",
      "--events",
      "command,dsk",
      "--",
      "true",
    ]);
    assert.equal(badKinds.code, 2);
    assert.match(
      badKinds.stderr,
      /^ERROR: --events: expected event kinds from command, disk, network separated by commas, got "command,dsk"$/m,
    );
  });

  it("teleport version prints the version and exits 0", async () => {
    const result = await runInProcess(buildTeleportCli, ["version"]);
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      /^Teleport v\d+\.\d+\.\d+ \(compatible with Teleport 14\.3\.33\) node:v\d+/,
    );
  });
});
