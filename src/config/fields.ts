// zod building blocks for teleport.yaml values. Every issue they raise carries a finished
// message ("expected X, got Y"), so turning issues into problems only adds where they are.
import * as z from "zod";
import { addressExpectation, parseAddress, type AddressKind } from "./address.js";
import { expectedGot } from "./describe.js";

interface IssueInput {
  readonly code?: string;
  readonly input?: unknown;
}

/** zod `error` option for a type or value mismatch. */
export function expecting(what: string, secret = false) {
  return {
    // Unknown keys get their own messages (with did-you-mean) when issues are formatted.
    error: (issue: IssueInput) =>
      issue.code === "unrecognized_keys" ? undefined : expectedGot(what, issue.input, secret),
  };
}

/** zod `error` option for a text field: a number or true/false found there only lacks quotes. */
export function expectingText(what: string, secret = false) {
  return {
    error: (issue: IssueInput) => {
      const problem = expectedGot(what, issue.input, secret);
      const bare = typeof issue.input === "number" || typeof issue.input === "boolean";
      return bare ? `${problem}; put it in quotes` : problem;
    },
  };
}

/** A refinement that reports `expected <what>, got <value>` when `ok` says no. */
export function must<T>(ok: (value: T) => boolean, what: string) {
  return (value: T, ctx: z.core.$RefinementCtx<T>): void => {
    if (!ok(value))
      ctx.addIssue({ code: "custom", message: expectedGot(what, value), input: value });
  };
}

// Go's YAML decoding turns both an absent key and "" into the zero value, and Teleport reads
// that as "use the default": configs written by `teleport configure` rely on it (diag_addr: "").
export const blankIsUnset = (value: unknown): unknown => (value === "" ? undefined : value);
// A section or list with nothing under it (`ssh_service:`) reads as "all defaults".
const nullIsUnset = (value: unknown): unknown => (value === null ? undefined : value);
const nothingIsEmpty = (value: unknown): unknown => value ?? {};

/** A mapping of known keys; unknown keys are errors, an empty or absent one means defaults. */
export function section<T extends z.core.$ZodLooseShape>(shape: T, what = "a mapping") {
  return z.preprocess(nothingIsEmpty, z.strictObject(shape, expecting(what)));
}

const TRUE_WORDS = new Set(["yes", "true", "on"]);
const FALSE_WORDS = new Set(["no", "false", "off"]);

// Teleport writes `enabled: "yes"` in generated configs and YAML 1.1 readers took yes/no/on/off
// as booleans, so accept those words too.
function toFlag(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const word = value.toLowerCase();
  if (word === "") return undefined;
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return value;
}

export function flag(defaultValue: boolean) {
  return z.preprocess(toFlag, z.boolean(expecting("true or false")).default(defaultValue));
}

export function optionalText(what: string, secret = false) {
  return z.preprocess(blankIsUnset, z.string(expectingText(what, secret)).optional());
}

export function text(what: string, defaultValue: string | (() => string)) {
  const makeDefault = typeof defaultValue === "string" ? () => defaultValue : defaultValue;
  return z.preprocess(blankIsUnset, z.string(expectingText(what)).default(makeDefault));
}

/** A string that must be present and not empty (no default applies). */
export function requiredText(what: string) {
  return z.string(expectingText(what)).superRefine(must((value: string) => value !== "", what));
}

export function pattern(what: string, test: (value: string) => boolean) {
  return z.string(expecting(what)).superRefine(must(test, what));
}

/** A whole number of memory pages in 1..max. */
export function pages(defaultValue: number, max: number) {
  const what = "a positive whole number of pages";
  return z
    .number(expecting(what))
    .superRefine((count, ctx) => {
      if (!Number.isInteger(count) || count <= 0) {
        ctx.addIssue({ code: "custom", message: expectedGot(what, count), input: count });
      } else if (count > max) {
        ctx.addIssue({
          code: "custom",
          message: expectedGot(`at most ${max} pages`, count),
          input: count,
        });
      }
    })
    .default(defaultValue);
}

function address(defaultPort: number, kind: AddressKind) {
  return z.string(expecting(addressExpectation(defaultPort))).transform((written, ctx) => {
    const parsed = parseAddress(written, defaultPort, kind);
    if (parsed.ok) return parsed.address;
    ctx.addIssue({
      code: "custom",
      message: expectedGot(parsed.expected, written),
      input: written,
    });
    return z.NEVER;
  });
}

/** A listen address; a bare host gets `defaultPort`, and nothing gets `defaultAddress`. */
export function listenAddress(defaultPort: number, defaultAddress: string) {
  return z.preprocess(blankIsUnset, address(defaultPort, "listen").prefault(defaultAddress));
}

/** An address to reach; a bare host gets `defaultPort`. */
export function optionalAddress(defaultPort: number) {
  return z.preprocess(blankIsUnset, address(defaultPort, "dial").optional());
}

export function dialAddress(defaultPort: number) {
  return address(defaultPort, "dial");
}

interface OneOfOptions<T extends string> {
  /** How the written word is folded before comparing, e.g. to upper case. */
  readonly fold?: (word: string) => string;
  /** Other accepted spellings (after folding) and what they stand for. */
  readonly aliases?: Readonly<Record<string, T>>;
}

/** One word from a fixed set; the message lists the set, the value keeps its canonical spelling. */
export function oneOf<const T extends string>(values: readonly T[], options: OneOfOptions<T> = {}) {
  const what = `one of ${values.join(", ")}`;
  const fold = options.fold ?? ((word: string) => word);
  return z.string(expecting(what)).transform((written, ctx): T => {
    const word = fold(written);
    const found = values.find((value) => value === word) ?? options.aliases?.[word];
    if (found !== undefined) return found;
    ctx.addIssue({ code: "custom", message: expectedGot(what, written), input: written });
    return z.NEVER;
  });
}

/** A list; absent or empty means []. */
export function list<T extends z.ZodType>(item: T, what: string, secret = false) {
  return z.preprocess(nullIsUnset, z.array(item, expecting(what, secret)).default([]));
}

/**
 * Either one value or a list of them, always read as a list; absent or empty means [].
 * A single value is wrapped before validation, so its problems carry an index ("[0]") that the
 * file does not have: YamlSource.writtenPath drops it again.
 */
export function oneOrList<T extends z.ZodType>(item: T, what: string) {
  const asList = (value: unknown): unknown => {
    const present = blankIsUnset(nullIsUnset(value));
    const scalar = ["string", "number", "boolean"].includes(typeof present);
    return scalar ? [present] : present;
  };
  return z.preprocess(asList, z.array(item, expecting(what)).default([]));
}
