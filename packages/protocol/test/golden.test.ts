import { describe, expect, it } from 'vitest';
import {
  decodeFrame,
  encodeFrame,
  fromHex,
  isTyped,
  parseTree,
  resultName,
  stageName,
  toHex,
  TYPED_MESSAGE_IDS,
  type Message,
  type TicketRecord,
  type TlvNode,
} from '../src/index.js';
import { loadCopiedVectors, loadVectors, VECTORS_PATH } from './support/vectors.js';

const vectors = loadVectors();

type Expected = Readonly<Record<string, unknown>>;

/** The body's TLVs as the vector file writes them: [tagHex, valueHex | children]. */
type VectorTlv = [string, string | VectorTlv[]];

function toVectorTlv(nodes: readonly TlvNode[]): VectorTlv[] {
  return nodes.map((n) => [n.tag.toString(16).toUpperCase().padStart(2, '0'), 'children' in n ? toVectorTlv(n.children) : toHex(n.value)]);
}

function bodyTlvOf(bytes: Uint8Array): VectorTlv[] {
  // F0 and E1 lengths are short in every golden frame; the body is found by walking the root.
  const [root] = parseTree(bytes, 12, bytes.length);
  const body = root && 'children' in root ? root.children.find((n) => n.tag === 0xe2) : undefined;
  if (!body || !('children' in body)) throw new Error('no body in the frame');
  return toVectorTlv(body.children);
}

/** The first word of a vector's name is its message type when the protocol names it so. */
function typeFromName(name: string): string | undefined {
  const word = name.split(' ')[0]!;
  return word in TYPED_MESSAGE_IDS ? word : undefined;
}

/** The number a vector writes as hex digits ("01", "0000", "00 (manual)"). */
function hexNumber(value: unknown): number {
  return parseInt(String(value).split(' ')[0]!, 16);
}

function checkFields(message: Message, bytes: Uint8Array, fields: Expected): void {
  const body = isTyped(message) ? message.body : undefined;
  const ref = (fields.reference ?? {}) as Expected;
  for (const [key, value] of Object.entries(fields)) {
    switch (key) {
      case 'protocolId':
        expect(message.header.protocolId).toBe(value);
        break;
      case 'terminalId':
        expect(message.header.terminalId).toBe(value);
        break;
      case 'ecrId':
        expect(message.header.ecrId).toBe(value);
        break;
      case 'sequenceNumber':
        expect(message.header.sequenceNumber).toBe(value);
        break;
      case 'messageTypeId':
        expect(message.typeId).toBe(Number(String(value).replace(/^0x/, '')));
        break;
      case 'mdc':
        expect(message.mdc?.toString(16).padStart(8, '0')).toBe(value);
        break;
      case 'mdcValid':
        expect(value).toBe(true);
        break;
      case 'resultCode':
        expect(body?.resultCode).toBe(hexNumber(value));
        break;
      case 'keepAliveReason':
        expect(body?.keepAliveReason).toBe(hexNumber(value));
        break;
      case 'cancelReason':
        expect(body?.cancelReason).toBe(hexNumber(value));
        break;
      case 'transactionStage':
        expect(body?.transactionStage).toBe(hexNumber(value));
        break;
      case 'transactionResult':
        expect(body?.transactionResult).toBe(hexNumber(value));
        break;
      case 'printOrigin':
        expect(body?.printData?.printOrigin).toBe(hexNumber(value));
        break;
      case 'transactionId':
        expect(body?.transactionId).toBe(BigInt(value as number));
        break;
      case 'amountCents':
        expect(body?.transactionData?.amount).toBe(value);
        break;
      case 'amountBCD':
        expect(String(body?.transactionData?.amount).padStart(8, '0')).toBe(value);
        break;
      case 'keepAliveInterval(tag 49, raw)':
        expect(body?.connectionParameters?.keepAliveInterval).toBe(value);
        break;
      case 'ticketRecords':
        expect((body?.tickets ?? []).map((t: TicketRecord) => t.ticketBody)).toEqual(value);
        break;
      case 'bodyTLV':
        expect(bodyTlvOf(bytes)).toEqual(value);
        break;
      default:
        break;
    }
  }
  const stage = ref.getTransactionStage;
  if (typeof stage === 'string') expect(stageName(body?.transactionStage ?? -1)).toBe(stage);
  const result = ref.getTransactionResult;
  if (typeof result === 'string') expect(resultName(body?.transactionResult ?? -1)).toBe(result);
  const ticket = ref.getTransactionTicket;
  if (typeof ticket === 'string') expect(body?.tickets?.at(-1)?.ticketBody).toBe(ticket);
  if (typeof ref.bytesConsumed === 'number') expect(bytes.length).toBe(ref.bytesConsumed);
}

describe(`golden vectors (${VECTORS_PATH})`, () => {
  it('has vectors to check', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(13);
  });

  it('agrees with the copy the repository keeps for clones without the published file', () => {
    const published = new Map(vectors.map((v) => [v.name, v.hex]));
    for (const copied of loadCopiedVectors()) expect(published.get(copied.name), copied.name).toBe(copied.hex);
  });

  describe.each(vectors)('$name ($direction)', (vector) => {
    const bytes = fromHex(vector.hex)!;

    it('decodes to its fields', () => {
      const message = decodeFrame(bytes);
      const named = typeFromName(vector.name);
      if (named !== undefined) expect(message.type).toBe(named);
      checkFields(message, bytes, vector.fields);
    });

    it('re-encodes from its decoded message to the same bytes', () => {
      expect(toHex(encodeFrame(decodeFrame(bytes)))).toBe(vector.hex);
    });

    if (vector.direction === 'box->terminal') {
      it('is produced byte for byte by the encoder from its fields alone', () => {
        const decoded = decodeFrame(bytes);
        if (!isTyped(decoded)) throw new Error(`${vector.name} should be typed`);
        // Rebuild the message by hand (no mdc, no typeId) so nothing of the decoded frame leaks into the encoding.
        const rebuilt = { type: decoded.type, header: { ...decoded.header }, body: structuredClone(decoded.body) };
        expect(toHex(encodeFrame(rebuilt))).toBe(vector.hex);
      });
    }
  });
});
