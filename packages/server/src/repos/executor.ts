import type { Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';

/** A database handle or a transaction: repositories work on either. */
export type Executor = Kysely<Schema>;

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}
