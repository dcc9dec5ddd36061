// The body and path mutations the API test sends to every operation of the OpenAPI document.
import { exampleOf, typeOf, type Schema } from '../openapi-mutations.js';
import type { Random } from '../random.js';

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
