// Reading the password and the one-time code for tsh login: at a terminal without echo, or, when
// standard input is not a terminal (scripts, tests), one line of it per answer.
import { createInterface, type Interface } from "node:readline";
import { ClientError } from "../client/index.js";

export interface SecretReader {
  /** Shows `prompt` on stderr and reads one answer; `what` names it when none comes. */
  read(prompt: string, what: string): Promise<string>;
  /** Stops reading standard input, so the process can exit. */
  close(): void;
}

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const BACKSPACES = new Set(["\u007f", "\b"]);

/**
 * Raw mode: every key comes in as typed and nothing is echoed. Set before the prompt is shown,
 * or keys typed at once after it would still be echoed.
 */
function readFromTerminal(
  prompt: string,
  stdin: NodeJS.ReadStream,
  stderr: NodeJS.WriteStream,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const finish = (error?: Error): void => {
      stdin.removeListener("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (data: Buffer): void => {
      for (const char of data.toString("utf8")) {
        if (char === "\r" || char === "\n") return finish();
        if (char === CTRL_C) return finish(new ClientError("interrupted"));
        if (char === CTRL_D && answer === "") return finish(new ClientError("no answer given"));
        if (BACKSPACES.has(char)) answer = answer.slice(0, -1);
        else answer += char;
      }
    };
    stdin.setRawMode(true);
    stderr.write(prompt);
    stdin.on("data", onData);
    stdin.resume();
  });
}

class PipedLines {
  readonly #lines: AsyncIterator<string>;
  readonly #reader: Interface;

  constructor(stdin: NodeJS.ReadStream) {
    this.#reader = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
    this.#lines = this.#reader[Symbol.asyncIterator]();
  }

  async next(what: string): Promise<string> {
    const line = await this.#lines.next();
    if (line.done === true) {
      throw new ClientError(
        `no ${what} on standard input: type it at a terminal, or give it as a line of input`,
      );
    }
    return line.value;
  }

  close(): void {
    this.#reader.close();
  }
}

export function secretReader(
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
): SecretReader {
  let piped: PipedLines | undefined;
  return {
    async read(prompt, what) {
      if (stdin.isTTY) return readFromTerminal(`${prompt} `, stdin, stderr);
      stderr.write(`${prompt} `);
      piped ??= new PipedLines(stdin);
      const answer = await piped.next(what);
      stderr.write("\n");
      return answer;
    },
    close() {
      piped?.close();
      stdin.destroy();
    },
  };
}
