// Which keys the schema knows where, read from the zod schema itself so there is one list.
import * as z from "zod";

type Schema = z.core.$ZodType;

// Looks through the wrappers the field builders add (preprocess, defaults, optional).
function unwrap(schema: Schema): Schema {
  if (schema instanceof z.ZodPipe) {
    return unwrap(schema.in instanceof z.ZodTransform ? schema.out : schema.in);
  }
  if (
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodOptional
  ) {
    return unwrap(schema.unwrap());
  }
  return schema;
}

function child(schema: Schema, segment: PropertyKey): Schema | undefined {
  if (schema instanceof z.ZodObject) {
    const field: Schema | undefined = schema.shape[String(segment)];
    return field && unwrap(field);
  }
  if (schema instanceof z.ZodArray) return unwrap(schema.element);
  if (schema instanceof z.ZodUnion) {
    // "one or a list": the list's item is the part that has keys.
    for (const option of schema.options) {
      const found = child(unwrap(option), segment);
      if (found) return found;
    }
  }
  return undefined;
}

/** The keys known in the mapping at `path`, in schema order. */
export function knownKeysAt(root: Schema, path: readonly PropertyKey[]): string[] {
  let schema: Schema | undefined = unwrap(root);
  for (const segment of path) schema = schema && child(schema, segment);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** Every mapping path where `key` is a known key, e.g. [["auth_service"], ["ssh_service"]]. */
export function pathsKnowing(root: Schema, key: string): string[][] {
  const found: string[][] = [];
  const visit = (schema: Schema, path: string[]): void => {
    if (!(schema instanceof z.ZodObject)) return;
    for (const [name, field] of Object.entries<Schema>(schema.shape)) {
      if (name === key) found.push(path);
      visit(unwrap(field), [...path, name]);
    }
  };
  visit(unwrap(root), []);
  return found;
}
