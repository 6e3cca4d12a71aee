/**
 * Post-processing of the generated OpenAPI document, for what the generator renders
 * in a way validators read differently from what the server does: nullable
 * references, and integers (zod's `.int()` is bounded to safe integers).
 */

type Json = unknown;

/**
 * A nullable reference comes out as `allOf: [{ $ref }, { type: [..., 'null'] }]`, which
 * no `null` satisfies (the `$ref` part rejects it). Rewrite it as
 * `anyOf: [{ $ref }, { type: 'null' }]`, which is what `.nullable()` means.
 */
export function fixNullableRefs(node: Json): Json {
  if (Array.isArray(node)) return node.map(fixNullableRefs);
  if (!node || typeof node !== 'object') return node;
  const o = node as Record<string, Json>;
  const allOf = o['allOf'];
  if (Array.isArray(allOf) && allOf.length === 2) {
    const [ref, nullable] = allOf as Record<string, Json>[];
    const type = nullable?.['type'];
    if (typeof ref?.['$ref'] === 'string' && Array.isArray(type) && type.includes('null') && Object.keys(nullable!).length === 1) {
      const { allOf: _drop, ...rest } = o;
      return { ...fixObject(rest), anyOf: [ref, { type: 'null' }] };
    }
  }
  return fixObject(o);
}

function fixObject(o: Record<string, Json>): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(o)) out[k] = fixNullableRefs(v);
  // zod's `.int()` accepts safe integers only; say so where no tighter bound is given.
  if (out['type'] === 'integer') {
    out['maximum'] ??= Number.MAX_SAFE_INTEGER;
    out['minimum'] ??= Number.MIN_SAFE_INTEGER;
  }
  return out;
}
