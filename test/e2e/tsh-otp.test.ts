// tsh login when the cluster asks for a second factor (second_factor: otp): a real
// `teleport start` with auth and proxy; the user enrolls an authenticator through the invite,
// and tsh asks for the one-time code after the password.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { base32Decode } from "../../src/auth/users/base32.js";
import { hotp, totpCounter } from "../../src/auth/users/totp.js";
import { runAsUser, type CliResult } from "../helpers/cli.js";
import { startTeleport } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { addUserInvite, adminClient } from "../helpers/tctl.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";

const PASSWORD = "otp-test-password-1";
const authPort = await freePort();
const webPort = await freePort();
const sshPort = await freePort();

describe("tsh login with a one-time password", () => {
  const dir = tempDir("tsh-otp-");
  const home = join(dir, "home");
  const config = join(dir, "teleport.yaml");
  const proxy = `127.0.0.1:${webPort}`;
  let secret: Buffer;
  /** The time step the invite's code was made for; login codes come after it. */
  let step: number;

  const tsh = (args: string[], input: string): Promise<CliResult> =>
    runAsUser(home, "tsh", args, input);
  const login = (input: string): Promise<CliResult> =>
    tsh(["login", `--proxy=${proxy}`, "--user=alice", "--insecure"], input);

  writeFileSync(
    config,
    teleportYaml({
      nodename: "otp-auth",
      dataDir: join(dir, "data"),
      auth: {
        clusterName: "otp.test",
        listenAddr: `127.0.0.1:${authPort}`,
        lines: ["  authentication:", "    type: local", "    second_factor: otp"],
      },
      proxy: { webListenAddr: proxy, listenAddr: `127.0.0.1:${sshPort}` },
    }),
  );
  // Started here, not in a hook: startTeleport's clean-up must run when the file ends.
  const daemon = startTeleport(["start", "-c", config]);

  before(async () => {
    await daemon.waitFor("Teleport is ready.");
    const token = await addUserInvite(config, "alice", { roles: ["access"], logins: ["root"] });
    const admin = await adminClient(`127.0.0.1:${authPort}`, join(dir, "data"));
    const invite = await admin.getInvite(token);
    assert.ok(invite.otpSecret);
    const key = base32Decode(invite.otpSecret);
    assert.ok(key);
    secret = key;
    step = totpCounter(new Date());
    await admin.completeInvite(token, PASSWORD, hotp(secret, step));
  });

  it("without the code, login fails saying a one-time password is needed", async () => {
    const result = await login(`${PASSWORD}\n\n`);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /Enter your OTP token: /);
    assert.match(result.stderr, /^ERROR: .*one-time password/m);
  });

  it("asks for the code after the password and logs in with it", async () => {
    const result = await login(`${PASSWORD}\n${hotp(secret, step + 1)}\n`);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^Enter password for Teleport user alice: \nEnter your OTP token: \n$/,
    );
    assert.match(result.stdout, /^ {2}Logged in as: {7}alice$/m);
    assert.match(result.stdout, /^ {2}Cluster: {12}otp\.test$/m);
  });
});
