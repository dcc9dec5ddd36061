import type { Random } from './random.js';

/** The part of a JSON Schema the mutations read. */
export interface Schema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly format?: string;
  readonly minimum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly pattern?: string;
}

export interface Operation {
  readonly method: string;
  /** The path as the document writes it, `{uuid}` and all. */
  readonly path: string;
  readonly access: string;
  readonly body: Schema | undefined;
  readonly query: readonly { name: string; schema: Schema }[];
  readonly params: readonly { name: string; schema: Schema }[];
}

interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
}

interface OpenApiOperation {
  readonly 'x-kassa-access'?: string;
  readonly parameters?: readonly { name: string; in: string; schema: Schema }[];
  readonly requestBody?: { content?: Readonly<Record<string, { schema?: Schema }>> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function operationsOf(document: unknown): Operation[] {
  const doc = document as OpenApiDocument;
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = op.parameters ?? [];
      out.push({
        method: method.toUpperCase(),
        path,
        access: op['x-kassa-access'] ?? 'unknown',
        body: op.requestBody?.content?.['application/json']?.schema,
        query: parameters.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        params: parameters.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
      });
    }
  }
  return out;
}

function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : (schema.type as string | undefined);
}

/** A value the schema accepts (or close to it): the start point that one mutation then breaks. */
export function exampleOf(schema: Schema, random: Random): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum !== undefined && schema.enum.length > 0) return random.pick(schema.enum);
  const options = schema.anyOf ?? schema.oneOf;
  if (options !== undefined && options.length > 0)
    return exampleOf(random.pick(options.filter((o) => typeOf(o) !== 'null').length > 0 ? options.filter((o) => typeOf(o) !== 'null') : options), random);
  switch (typeOf(schema)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) value[name] = exampleOf(property, random);
      return value;
    }
    case 'array':
      return schema.items === undefined ? [] : Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => exampleOf(schema.items!, random));
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'string':
      if (schema.format === 'uuid') return '6f1c1a39-1b1e-4c57-9a0e-3c1f1d1e2f30';
      if (schema.format === 'date-time') return '2026-11-25T10:00:00.000Z';
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return 'x';
  }
}

/** Values of the wrong type or out of any sane range, for a field of the given schema. */
export function wrongValues(schema: Schema): unknown[] {
  const type = typeOf(schema);
  const common: unknown[] = [null, [], 'Ω≈ç√∫˜µ≤ 🧾 \u0000\u202e', 'x'.repeat(20_000)];
  if (type === 'integer' || type === 'number') return [...common, -1, -2_147_483_649, 2 ** 53 + 1, 1e308, 1.5, '100'];
  if (type === 'string') return [...common, 1, '', "'; drop table payments; --"];
  if (type === 'boolean') return [...common, 'true', 1, 0];
  if (type === 'array') return [...common, 'x', 1, Array.from({ length: 10_001 }, () => 1)];
  return [...common, 1, 'x', true];
}

export interface BodyMutation {
  readonly name: string;
  /** Raw text to send (it may not be JSON at all). */
  readonly text: string;
  readonly contentType: string;
}

/** Every body mutation of one operation: per field missing, wrong or hostile, plus whole-body breakage. */
export function bodyMutations(schema: Schema, random: Random): BodyMutation[] {
  const json = (name: string, value: unknown): BodyMutation => ({ name, text: JSON.stringify(value), contentType: 'application/json' });
  const example = exampleOf(schema, random);
  const out: BodyMutation[] = [
    { name: 'not JSON', text: '{"unterminated": ', contentType: 'application/json' },
    { name: 'form post', text: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' },
    { name: 'plain text', text: JSON.stringify(example), contentType: 'text/plain' },
    json('array body', [example]),
    json('null body', null),
    json('string body', 'x'),
    { name: 'huge body', text: JSON.stringify({ pad: 'x'.repeat(400 * 1024) }), contentType: 'application/json' },
    { name: 'deep nesting', text: `${'['.repeat(5000)}${']'.repeat(5000)}`, contentType: 'application/json' },
    { name: 'prototype pollution', text: '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}', contentType: 'application/json' },
  ];
  if (typeof example !== 'object' || example === null || Array.isArray(example)) return out;
  const base = example as Record<string, unknown>;
  out.push(json('extra field', { ...base, extraField: 1 }));
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    if ((schema.required ?? []).includes(field)) {
      const { [field]: _dropped, ...rest } = base;
      out.push(json(`missing ${field}`, rest));
    }
    wrongValues(property).forEach((value, i) => out.push(json(`${field} wrong #${i}`, { ...base, [field]: value })));
  }
  return out;
}

/** Path parameter values that are not what the route takes. */
export const BAD_PARAMS: readonly string[] = [
  'not-a-uuid',
  '-1',
  '1.5',
  '99999999999999999999999',
  '%F0%9F%A7%BE',
  '%00',
  '%E0%A4%A',
  'x'.repeat(2000),
  '6F1C1A39-1B1E-4C57-9A0E-3C1F1D1E2F3',
];
