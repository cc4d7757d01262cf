// File transfer through the SSH node with the real OpenSSH tools: scp (which speaks SFTP since
// OpenSSH 9), legacy scp -O (scp -t/-f over exec) and sftp -b. Files go both ways byte for byte,
// belong to the login user, and each transfer is a recorded session whose SFTP bytes are not
// recorded as terminal output.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RecordingReader } from "../../src/recording/index.js";
import { addHostAccount, type HostAccount } from "../helpers/host-account.js";
import { runOpenSshTool } from "../helpers/openssh.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
const SFTP_SERVER = "/usr/lib/openssh/sftp-server";

describe("SSH node file transfer", { skip }, () => {
  let f: NodeFixture;
  let account: HostAccount | undefined;
  let user: UserFiles;
  let source: string;
  let sourceBytes: Buffer;

  before(async () => {
    f = await startNodeFixture();
    account = addHostAccount();
    // The account's home lies in a root-only temp dir: let the account reach it.
    chmodSync(dirname(account.home), 0o755);
    user = await f.addUser("alice", { roles: ["access"], logins: [account.login] });
    source = join(f.dir, "source.bin");
    // Random bytes, enough to take several SFTP read and write requests each way.
    sourceBytes = randomBytes(700_000);
    writeFileSync(source, sourceBytes);
  });

  after(async () => {
    await f?.close();
    account?.remove();
  });

  /** scp/sftp options: the fixture's ssh options, with the port as an option, not -p. */
  function toolOptions(): string[] {
    const args = f.sshArgs(user, "unused");
    assert.equal(args.at(-3), "-p", "the fixture's ssh arguments end in -p PORT DESTINATION");
    return [...args.slice(0, -3), "-o", `Port=${f.port}`];
  }

  const remote = (path: string): string => `${account?.login}@127.0.0.1:${path}`;

  let sessions = 0;

  /** Runs one transfer (one session) and returns the sid of its recording. */
  async function transfer(
    tool: "scp" | "sftp",
    args: string[],
  ): Promise<{ sid: string; stdout: string }> {
    // Every earlier session is published first, so the one new recording is this transfer's.
    const before = new Set(await f.recordings(sessions));
    const result = await runOpenSshTool(tool, args, { timeoutMs: 30_000 });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
    sessions += 1;
    const sid = (await f.recordings(sessions)).find((s) => !before.has(s));
    assert.ok(sid);
    return { sid, stdout: result.stdout };
  }

  function assertOwnedCopy(path: string): void {
    assert.ok(readFileSync(path).equals(sourceBytes), `${path} differs from the source`);
    const info = statSync(path);
    assert.equal(info.uid, account?.uid);
    assert.equal(info.gid, account?.gid);
  }

  async function prints(sid: string): Promise<number> {
    const reader = await RecordingReader.open(f.auth.dataDir, { sid });
    const { events, problems } = await reader.readAll();
    assert.deepEqual(problems, []);
    return events.filter((e) => e.type === "print").length;
  }

  it("scp (SFTP protocol) uploads and downloads, recorded without the SFTP bytes", async () => {
    const upload = await transfer("scp", [...toolOptions(), source, remote("up.bin")]);
    assertOwnedCopy(join(account?.home ?? "", "up.bin"));
    const downloaded = join(f.dir, "down.bin");
    await transfer("scp", [...toolOptions(), remote("up.bin"), downloaded]);
    assert.ok(readFileSync(downloaded).equals(sourceBytes), "the download differs");

    const { events } = await f.auth.admin.searchEvents({ sid: upload.sid, limit: "1000" });
    const start = events.find((e) => e["event"] === "session.start");
    assert.deepEqual(start?.["initial_command"], [SFTP_SERVER]);
    assert.equal(start?.["login"], account?.login);
    const end = events.find((e) => e["event"] === "session.end");
    assert.equal(end?.["interactive"], false);
    assert.equal(end?.["enhanced_recording"], true);
    const exec = events.find((e) => e["event"] === "session.command" && e["path"] === SFTP_SERVER);
    assert.ok(exec, JSON.stringify(events.map((e) => e["event"])));
    // Hundreds of kilobytes went through the session, none of it as terminal output.
    assert.equal(await prints(upload.sid), 0);
  });

  it("sftp -b puts and gets a file", async () => {
    const downloaded = join(f.dir, "batch-down.bin");
    const batch = join(f.dir, "batch");
    writeFileSync(batch, `put ${source} batch.bin\nget batch.bin ${downloaded}\nls -l batch.bin\n`);
    const login = account?.login ?? "";
    const { stdout } = await transfer("sftp", [
      "-b",
      batch,
      ...toolOptions(),
      `${login}@127.0.0.1`,
    ]);
    assert.match(stdout, new RegExp(`${login} +${login} +700000 .*batch\\.bin`));
    assertOwnedCopy(join(account?.home ?? "", "batch.bin"));
    assert.ok(readFileSync(downloaded).equals(sourceBytes), "the download differs");
  });

  it("legacy scp -O (scp -t/-f over exec) uploads and downloads, recorded as exec", async () => {
    const upload = await transfer("scp", ["-O", ...toolOptions(), source, remote("legacy.bin")]);
    assertOwnedCopy(join(account?.home ?? "", "legacy.bin"));
    const downloaded = join(f.dir, "legacy-down.bin");
    await transfer("scp", ["-O", ...toolOptions(), remote("legacy.bin"), downloaded]);
    assert.ok(readFileSync(downloaded).equals(sourceBytes), "the download differs");

    const { events } = await f.auth.admin.searchEvents({ sid: upload.sid, limit: "1000" });
    const start = events.find((e) => e["event"] === "session.start");
    assert.deepEqual(start?.["initial_command"], ["scp -t legacy.bin"]);
    // An exec session's output is recorded, scp's protocol replies included: nothing tells them
    // from terminal output. (The SFTP session above, with the same kind of replies, has none.)
    assert.ok((await prints(upload.sid)) > 0, "the exec session recorded no output");
  });
});
