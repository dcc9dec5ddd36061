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

/** The schema's type, leaving out `null` where it allows one. */
export function typeOf(schema: Schema): string | undefined {
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
