import { parseArgs } from 'node:util';

// The command-line pattern every kassa command follows: one table per command; help and version
// come for free. The commands of terminal-sim, iot-box and chaos take it from here (they depend on
// this package already); the server, which may import only the contract, keeps a copy of this
// file (scripts/flags.test.ts keeps the two the same).

/** One option: its short alias, variable, default, check and help line; a flag without `value` is a switch. */
export interface Flag {
  readonly short?: string;
  /** The value's shape in the help text, as `HOST:PORT`. */
  readonly value?: string;
  readonly env?: string;
  /** The text used when neither flag nor variable is given; it goes through `parse` too. */
  readonly fallback?: string;
  /** Turns the text into the value or throws a one-line error; `name` is the flag (and variable) to name. */
  readonly parse?: (text: string, name: string) => unknown;
  readonly help: string;
}

export type Flags = Readonly<Record<string, Flag>>;
export type Env = Readonly<Record<string, string | undefined>>;
type Given<F> = F extends { parse: (text: string, name: string) => infer T } ? T : string;
export type Values<T extends Flags> = {
  readonly [K in keyof T]: T[K] extends { value: string } ? (T[K] extends { fallback: string } ? Given<T[K]> : Given<T[K]> | undefined) : boolean;
};
export type Parsed<T extends Flags> =
  { readonly kind: 'help' } | { readonly kind: 'version' } | { readonly kind: 'run'; readonly values: Values<T>; readonly positionals: readonly string[] };

const BUILT_IN: Flags = { version: { help: 'print the version' }, help: { short: 'h', help: 'print this help' } };
const truthy = (text: string | undefined): boolean => text !== undefined && ['1', 'true', 'yes'].includes(text.toLowerCase());

/** Flags win over variables, which win over defaults; `fail` makes the error of a bad command line. */
export function readFlags<T extends Flags>(table: T, argv: readonly string[], env: Env, fail: (message: string) => Error, maxPositionals = 0): Parsed<T> {
  const all: Flags = { ...table, ...BUILT_IN };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, f]) => [
      name,
      { type: f.value === undefined ? ('boolean' as const) : ('string' as const), ...(f.short === undefined ? {} : { short: f.short }) },
    ]),
  );
  const given = new Map<string, string | true>();
  const positionals: string[] = [];
  for (const token of parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true }).tokens) {
    if (token.kind === 'positional' && positionals.length >= maxPositionals) throw fail(`unexpected argument "${token.value}"`);
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = Object.hasOwn(all, token.name) ? all[token.name]! : undefined;
    if (flag === undefined) throw fail(`unknown option "${token.rawName}"`);
    if (given.has(token.name)) throw fail(`--${token.name} is given twice`);
    if (flag.value === undefined && token.inlineValue) throw fail(`--${token.name} takes no value`);
    const missing = token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('-'));
    if (flag.value !== undefined && missing) throw fail(`--${token.name} needs a value: ${flag.value}`);
    given.set(token.name, flag.value === undefined ? true : token.value!);
  }
  if (given.has('help')) return { kind: 'help' };
  if (given.has('version')) return { kind: 'version' };
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(table)) {
    const fromEnv = flag.env === undefined || env[flag.env] === '' ? undefined : env[flag.env];
    if (flag.value === undefined) {
      values[name] = given.has(name) || truthy(fromEnv);
      continue;
    }
    const text = (given.get(name) as string | undefined) ?? fromEnv ?? flag.fallback;
    const label = given.has(name) || fromEnv === undefined ? `--${name}` : `--${name} (${flag.env})`;
    values[name] = text === undefined || flag.parse === undefined ? text : flag.parse(text, label);
  }
  return { kind: 'run', values: values as Values<T>, positionals };
}

/** Lines of at most `width` characters, broken between words. */
const wrap = (text: string, width: number): string[] => text.match(new RegExp(`\\S(?:.{0,${width - 1}}(?=\\s|$)|\\S*)`, 'g')) ?? [''];

/** The options part of a help text: each flag with its variable, default and help, wrapped at 100 columns. */
export function helpLines(table: Flags, builtIn = true): string[] {
  const rows = Object.entries(builtIn ? { ...table, ...BUILT_IN } : table).map(([name, f]) => {
    const left = `${f.short === undefined ? '' : `-${f.short}, `}--${name}${f.value === undefined ? '' : ` ${f.value}`}`;
    const notes = [
      f.env === undefined ? '' : `env ${f.env}${f.value === undefined ? '=1' : ''}`,
      f.fallback === undefined ? '' : `default ${f.fallback}`,
    ].filter(Boolean);
    return [left, `${f.help}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`] as const;
  });
  const width = Math.min(26, Math.max(...rows.map(([left]) => left.length)) + 2);
  const indent = ' '.repeat(width + 2);
  return rows.flatMap(([left, text]) => {
    const [first = '', ...rest] = wrap(text, 98 - width);
    const head = left.length + 2 > width ? [`  ${left}`, `${indent}${first}`] : [`  ${left.padEnd(width)}${first}`];
    return [...head, ...rest.map((line) => `${indent}${line}`)];
  });
}
