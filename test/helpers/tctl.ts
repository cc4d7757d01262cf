// What a test's administrator does with tctl against a running auth process (its config file):
// a node join token, a user's invite, and the admin identity tctl itself uses.
import { join } from "node:path";
import { AuthClient, loadIdentityFile } from "../../src/auth/index.js";
import { runTctl } from "./cli.js";

/** An AuthClient with the admin identity auth wrote under its data_dir. */
export async function adminClient(authAddr: string, authDataDir: string): Promise<AuthClient> {
  return new AuthClient({
    addr: authAddr,
    identity: await loadIdentityFile(join(authDataDir, "admin.identity")),
  });
}

/** `tctl nodes add --ttl=5m --roles=node`: the invite token it prints. */
export async function addNodeToken(authConfig: string): Promise<string> {
  const added = await runTctl(authConfig, "nodes", "add", "--ttl=5m", "--roles=node");
  const token = /The invite token: (\S+)/.exec(added.stdout)?.[1];
  if (added.code !== 0 || token === undefined) {
    throw new Error(`tctl nodes add failed (${added.code}): ${added.stderr}${added.stdout}`);
  }
  return token;
}

/** `tctl users add NAME --roles=… --logins=…`: the token of the invite link it prints. */
export async function addUserInvite(
  authConfig: string,
  name: string,
  user: { roles: string[]; logins: string[] },
): Promise<string> {
  const args = [`--roles=${user.roles.join(",")}`, `--logins=${user.logins.join(",")}`];
  const added = await runTctl(authConfig, "users", "add", name, ...args);
  const token = /\/web\/invite\/(\S+)/.exec(added.stdout)?.[1];
  if (added.code !== 0 || token === undefined) {
    throw new Error(
      `tctl users add ${name} failed (${added.code}): ${added.stderr}${added.stdout}`,
    );
  }
  return token;
}
