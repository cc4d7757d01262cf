// Trait templates in role values: "{{internal.logins}}", "{{external.team}}-admin". Teleport
// reads both namespaces from the user's traits; functions such as email.local are not supported.

const VARIABLE = /^\s*(?:internal|external)\.([A-Za-z0-9_]+)\s*$/;
const SUPPORTED = "expected {{internal.NAME}} or {{external.NAME}}";

interface Template {
  prefix: string;
  trait: string;
  suffix: string;
}

type Parsed =
  | { kind: "literal" }
  | { kind: "template"; template: Template }
  | { kind: "error"; problem: string };

function parse(value: string): Parsed {
  const open = value.indexOf("{{");
  if (open < 0) {
    return value.includes("}}")
      ? { kind: "error", problem: `unopened template in ${JSON.stringify(value)}: ${SUPPORTED}` }
      : { kind: "literal" };
  }
  const close = value.indexOf("}}", open);
  if (close < 0) {
    return {
      kind: "error",
      problem: `unclosed template in ${JSON.stringify(value)}: ${SUPPORTED}`,
    };
  }
  const suffix = value.slice(close + 2);
  if (suffix.includes("{{") || suffix.includes("}}")) {
    return { kind: "error", problem: `only one template is allowed in ${JSON.stringify(value)}` };
  }
  const expression = value.slice(open, close + 2);
  const match = VARIABLE.exec(value.slice(open + 2, close));
  if (match === null) {
    return {
      kind: "error",
      problem: `unsupported template ${JSON.stringify(expression)}: ${SUPPORTED}`,
    };
  }
  return {
    kind: "template",
    template: { prefix: value.slice(0, open), trait: match[1] ?? "", suffix },
  };
}

/** Why `value` is not a valid literal or template, or undefined when it is. */
export function templateProblem(value: string): string | undefined {
  const parsed = parse(value);
  return parsed.kind === "error" ? parsed.problem : undefined;
}

/** True when `value` holds a template (valid or not). */
export function hasTemplate(value: string): boolean {
  return value.includes("{{") || value.includes("}}");
}

/**
 * The values `value` stands for: itself when literal; one per trait value when a template
 * (none when the user lacks the trait, as in Teleport). Invalid templates give none.
 */
export function expandTraits(
  value: string,
  traits: Readonly<Record<string, readonly string[]>>,
): string[] {
  const parsed = parse(value);
  if (parsed.kind === "literal") return [value];
  if (parsed.kind === "error") return [];
  const { prefix, trait, suffix } = parsed.template;
  const values = Object.hasOwn(traits, trait) ? (traits[trait] ?? []) : [];
  return values.filter((v) => v !== "").map((v) => `${prefix}${v}${suffix}`);
}
