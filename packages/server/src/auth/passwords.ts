import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { PasswordWeakness } from '@kassa/contract';
import { PASSWORD_MIN_LENGTH } from '@kassa/contract';
import { KassaError } from '../domain/errors.js';
import { COMMON_PASSWORDS } from './common-passwords.js';

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/**
 * OWASP's minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, so 128 MiB and a few
 * hundred milliseconds per hash. Tests pass a lower cost explicitly; nothing else should.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 17, r: 8, p: 1 };
const KEY_LENGTH = 32;

/** scrypt needs 128·N·r bytes; Node refuses anything above maxmem (32 MiB by default), so give it room. */
function maxmemOf(cost: ScryptCost): number {
  return 128 * cost.N * cost.r + 16 * 1024 * 1024;
}

function derive(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...cost, maxmem: maxmemOf(cost) }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$key` (base64): the cost travels with the hash so it can be raised later. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** The cost a stored hash was made with, or null when it is not one of ours. */
export function costOfHash(stored: string): ScryptCost | null {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return null;
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  return [cost.N, cost.r, cost.p].every((v) => Number.isSafeInteger(v) && v > 0) ? cost : null;
}

/** A hash made with less work than `target` (in any parameter) is made again at the next login. */
export function needsRehash(stored: string, target: ScryptCost): boolean {
  const cost = costOfHash(stored);
  return cost === null || cost.N < target.N || cost.r < target.r || cost.p < target.p;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const cost = costOfHash(stored);
  const [, , , , salt, key] = stored.split('$');
  if (cost === null || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), cost);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

const COMMON = new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));

/** The longest block whose repetition makes a password predictable (`abcabcabcabc`). */
const LONGEST_REPEATED_BLOCK = 4;

/** The place of a digit or letter in its cycle (0–9, a–z without regard to case), or null. */
function placeOf(char: string): { cycle: number; at: number } | null {
  if (/^[0-9]$/.test(char)) return { cycle: 10, at: Number(char) };
  if (/^[a-z]$/i.test(char)) return { cycle: 26, at: char.toLowerCase().charCodeAt(0) - 97 };
  return null;
}

/** Every character one step up (or every one down) from the one before, in the digits or the alphabet, wrapping: `123456789012`, `zyxwvutsrqpo`. */
function isRun(chars: readonly string[]): boolean {
  const places = chars.map(placeOf);
  const first = places[0];
  if (first === null || first === undefined || places.some((p) => p === null || p.cycle !== first.cycle)) return false;
  const steps = new Set(places.slice(1).map((p, i) => (p!.at - places[i]!.at + first.cycle) % first.cycle));
  return steps.size === 1 && (steps.has(1) || steps.has(first.cycle - 1));
}

/** One block of at most LONGEST_REPEATED_BLOCK characters, repeated: `aaaaaaaaaaaa`, `121212121212`. */
function isRepeat(chars: readonly string[]): boolean {
  for (let size = 1; size <= LONGEST_REPEATED_BLOCK; size++) {
    if (chars.every((c, i) => c === chars[i % size])) return true;
  }
  return false;
}

/** A username shorter than this (`cas`, `al`) is found inside too many good passwords to refuse them for it. */
const SHORTEST_USERNAME_CHECKED = 4;

/**
 * Why a new password is refused, or null when it may be used: too short; among the most common
 * (without regard to case); a repeat or a run, which guessers try first whatever their length; the
 * username of its user inside it (`cashier1` for `cashier1-2026!`), the first guess of anyone who
 * knows who they attack. Characters are counted as code points.
 */
/**
 * A common password with digits and symbols around it (password1234, !qwerty2024), or the same
 * common word said twice or more (monkeymonkey): as guessable as the word itself, which is what
 * guessing lists try first. A password of digits and symbols only is left to the other rules.
 */
function isCommonVariant(lower: string): boolean {
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length === 0) return false;
  if (COMMON.has(core)) return true;
  for (let times = 2; times <= 4; times++) {
    if (core.length % times !== 0) continue;
    const word = core.slice(0, core.length / times);
    if (word.repeat(times) === core && COMMON.has(word)) return true;
  }
  return false;
}

export function passwordWeakness(password: string, username?: string): PasswordWeakness | null {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN_LENGTH) return 'too-short';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'common';
  if (isRepeat(chars) || isRun(chars)) return 'predictable';
  if (isCommonVariant(lower)) return 'common';
  if (username !== undefined && username.length >= SHORTEST_USERNAME_CHECKED && password.toLowerCase().includes(username.toLowerCase())) return 'personal';
  return null;
}

const WHY: Readonly<Record<PasswordWeakness, (field: string) => string>> = {
  'too-short': (field) => `The ${field} needs at least ${PASSWORD_MIN_LENGTH} characters.`,
  common: (field) => `The ${field} is one of the 10,000 most common passwords, or one with digits or symbols around it; choose another.`,
  predictable: (field) => `The ${field} is a repeat or a run of characters (such as 123456789012); choose another.`,
  personal: (field) => `The ${field} contains the username; choose another.`,
};

/** What a weak new password is told, in one sentence naming the field. */
export function passwordWeaknessMessage(weakness: PasswordWeakness, field = 'password'): string {
  return WHY[weakness](field);
}

/** Refuses a weak new password of `username` with KASSA_VALIDATION naming the field, as a schema refusal does. */
export function checkNewPassword(password: string, username: string, field = 'password'): void {
  const weakness = passwordWeakness(password, username);
  if (weakness === null) return;
  const message = passwordWeaknessMessage(weakness, field);
  throw new KassaError('KASSA_VALIDATION', message, { field, reason: weakness, issues: [{ path: `/${field}`, message }] });
}
