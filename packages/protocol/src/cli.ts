#!/usr/bin/env node
// kassa-tlv: decode a frame from hex to JSON, or encode JSON back to hex, for technicians.
import { decodeFrame, encodeFrame } from './frame.js';
import { TlvError } from './errors.js';
import { helpLines, readFlags, type Flags } from './flags.js';
import { fromHex, toHex } from './hex.js';
import { messageFromJson, messageToJson } from './json.js';
import { PROTOCOL_VERSION } from './version.js';

const DECODE_FLAGS: Flags = { 'no-mdc': { help: 'decode: skip the MDC check' } };

const HELP = `kassa-tlv — the Ingenico TLV cash-register protocol, by hand

Usage:
  kassa-tlv decode [--no-mdc]   read one frame as hex on stdin, print it as JSON
  kassa-tlv encode              read a message as JSON on stdin, print the frame as hex

${helpLines(DECODE_FLAGS).join('\n')}

decode accepts whitespace and newlines in the hex. It prints the message type
name and id, the header, the body fields by name (amounts in cents, the
TransactionId as a decimal number, stages and results by name, every ticket
record) and unknown tags as hex under "tag<HEX>" keys. --no-mdc skips the MDC
check. encode reads exactly that JSON, so decode | encode gives the frame back.

Example:
  echo 000000395034592d45435221f02fe1201004000001001104000000541208313233343536373813046f646f6f14020005e2031e0100e3061c04f0e26629 \\
    | kassa-tlv decode
  kassa-tlv decode < frame.hex | kassa-tlv encode

Bad input prints one line on stderr with the error code (and the byte offset
where it applies), nothing on stdout, and exits with status 1. A usage error
exits with status 2.`;

/** A failure of the CLI's own input handling, with a stable code like the codec's. */
class CliError extends Error {
  constructor(
    readonly code: 'CLI_BAD_HEX' | 'CLI_BAD_JSON' | 'CLI_EMPTY_INPUT' | 'CLI_USAGE',
    message: string,
    offset?: number,
  ) {
    super(`${code}${offset === undefined ? '' : ` at offset ${offset}`}: ${message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function decodeCommand(input: string, verifyMdc: boolean): string {
  const trimmed = input.trim();
  const prefix = /^0x/i.test(trimmed) ? 2 : 0;
  const hex = trimmed.slice(prefix).replace(/\s+/g, '');
  if (hex.length === 0) throw new CliError('CLI_EMPTY_INPUT', 'no hex on stdin');
  const bad = /[^0-9a-fA-F\s]/.exec(trimmed.slice(prefix));
  if (bad)
    throw new CliError(
      'CLI_BAD_HEX',
      `${JSON.stringify(bad[0])} is not a hex digit (offset counts characters of the input)`,
      input.indexOf(trimmed) + prefix + bad.index,
    );
  if (hex.length % 2 !== 0) throw new CliError('CLI_BAD_HEX', `an odd number of hex digits (${hex.length})`, hex.length);
  const bytes = fromHex(hex);
  if (!bytes) throw new CliError('CLI_BAD_HEX', 'stdin is not hex');
  return JSON.stringify(messageToJson(decodeFrame(bytes, { verifyMdc })), null, 2);
}

function encodeCommand(input: string): string {
  if (input.trim().length === 0) throw new CliError('CLI_EMPTY_INPUT', 'no JSON on stdin');
  let json: unknown;
  try {
    json = JSON.parse(input);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(reason);
    throw new CliError('CLI_BAD_JSON', reason, position ? Number(position[1]) : undefined);
  }
  return toHex(encodeFrame(messageFromJson(json)));
}

type Command = { readonly kind: 'help' | 'version' | 'encode' } | { readonly kind: 'decode'; readonly verifyMdc: boolean };

/** `decode [--no-mdc]`, `encode`, `help`, `--version`, `-h`/`--help`; a usage error is a CliError CLI_USAGE. */
function parseCommand(argv: readonly string[]): Command {
  const usage = (message: string): CliError => new CliError('CLI_USAGE', message);
  const [command = '', ...rest] = argv;
  if (command === 'help') return { kind: 'help' };
  const known = command === 'decode' || command === 'encode';
  const parsed = readFlags(command === 'decode' ? DECODE_FLAGS : {}, known ? rest : argv, {}, usage, known ? 0 : 1);
  if (parsed.kind !== 'run') return parsed;
  if (command === 'decode') return { kind: 'decode', verifyMdc: parsed.values['no-mdc'] !== true };
  if (command === 'encode') return { kind: 'encode' };
  throw usage(command === '' ? 'a command is needed: decode or encode' : `unknown command "${command}"`);
}

async function main(argv: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`kassa-tlv: ${error.message} (see kassa-tlv --help)\n`);
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (command.kind === 'version') {
    process.stdout.write(`kassa-tlv ${PROTOCOL_VERSION}\n`);
    return 0;
  }
  const input = await readStdin();
  try {
    const output = command.kind === 'decode' ? decodeCommand(input, command.verifyMdc) : encodeCommand(input);
    process.stdout.write(`${output}\n`);
    return 0;
  } catch (error) {
    // Anything else would be a defect of the codec; it is still reported as one line, never as a stack trace.
    const message = error instanceof TlvError || error instanceof CliError ? error.message : `CLI_INTERNAL: ${String(error)}`;
    process.stderr.write(`kassa-tlv: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
