// Node label matching as Teleport does it: "*" matches anything, "^…$" is a regular expression,
// anything else a glob where "*" matches any run of characters.

const WILDCARD = "*";

function isRegex(pattern: string): boolean {
  return pattern.length >= 2 && pattern.startsWith("^") && pattern.endsWith("$");
}

function globToRegex(glob: string): string {
  const quoted = glob.replace(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
  return `^${quoted.replaceAll(String.raw`\*`, "(.*)")}$`;
}

const compiled = new Map<string, RegExp>();

function regexOf(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(isRegex(pattern) ? pattern : globToRegex(pattern), "u");
    compiled.set(pattern, regex);
  }
  return regex;
}

/** Why `pattern` cannot be used, or undefined when it can. */
export function patternProblem(pattern: string): string | undefined {
  if (!isRegex(pattern)) return undefined;
  try {
    regexOf(pattern);
    return undefined;
  } catch (error) {
    // V8 repeats the pattern ("Invalid regular expression: /^(a$/u: Unterminated group").
    const message = error instanceof Error ? error.message : String(error);
    const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
    return `invalid regular expression ${JSON.stringify(pattern)}: ${reason}`;
  }
}

export function matchesPattern(pattern: string, value: string): boolean {
  return pattern === WILDCARD || regexOf(pattern).test(value);
}

/**
 * Teleport's MatchLabels: an empty selector matches nothing; {"*": ["*"]} matches every node
 * (even one without labels); otherwise the node must have every selector label, with a value
 * one of the patterns accepts.
 */
export function matchLabels(
  selector: Readonly<Record<string, readonly string[]>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(selector);
  if (keys.length === 0) return false;
  const all = selector[WILDCARD];
  if (all !== undefined && all.length === 1 && all[0] === WILDCARD) return true;
  return keys.every((key) => {
    const patterns = selector[key] ?? [];
    if (!Object.hasOwn(labels, key)) return false;
    const value = labels[key] ?? "";
    return patterns.some((pattern) => matchesPattern(pattern, value));
  });
}
