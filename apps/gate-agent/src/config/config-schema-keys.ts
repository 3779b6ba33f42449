import { z } from 'zod';

// Reads the key structure back out of a zod schema: the loader uses it to suggest the right spelling of an
// unknown key, and the example-file test uses it to prove the documentation names every key.

/** Strips the wrappers (optional, default, prefault, nullable) that do not change which keys are accepted. */
export function unwrapSchema(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else {
      return current;
    }
  }
}

/** The variants of a discriminated union by discriminator value, or undefined when `schema` is not one. */
export function unionVariants(schema: z.ZodType): { discriminator: string; variants: Map<string, z.ZodObject> } | undefined {
  const inner = unwrapSchema(schema);
  if (!(inner instanceof z.ZodDiscriminatedUnion)) return undefined;
  const discriminator = inner._zod.def.discriminator;
  const variants = new Map<string, z.ZodObject>();
  for (const option of inner.options) {
    if (!(option instanceof z.ZodObject)) continue;
    const tag = unwrapSchema(option.shape[discriminator] as z.ZodType);
    if (tag instanceof z.ZodLiteral) variants.set(String(tag.value), option);
  }
  return { discriminator, variants };
}

/**
 * The object schema that applies to `value`: the object itself, or for a discriminated union the variant that
 * `value`'s discriminator selects. Undefined for anything else or an unknown variant.
 */
export function objectSchemaFor(schema: z.ZodType, value: unknown): z.ZodObject | undefined {
  const inner = unwrapSchema(schema);
  if (inner instanceof z.ZodObject) return inner;
  const union = unionVariants(inner);
  if (!union || !isRecord(value)) return undefined;
  return union.variants.get(String(value[union.discriminator]));
}

/** The keys accepted at `path` of `root`, following the variants selected by `rootValue`. */
export function allowedKeysAt(root: z.ZodType, path: readonly PropertyKey[], rootValue: unknown): string[] | undefined {
  let schema: z.ZodType | undefined = root;
  let value: unknown = rootValue;
  for (const segment of path) {
    const object = objectSchemaFor(schema, value);
    schema = object?.shape[String(segment)] as z.ZodType | undefined;
    if (!schema) return undefined;
    value = isRecord(value) ? value[String(segment)] : undefined;
  }
  const object = objectSchemaFor(schema, value);
  return object ? Object.keys(object.shape) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
