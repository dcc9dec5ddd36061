// fast-check arbitraries for every message the encoder accepts.
import fc from 'fast-check';
import { TYPED_MESSAGE_IDS, type MessageInput, type TlvNode, type TypedMessageName } from '../../src/index.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Any Unicode text, up to lengths that need BER long forms. */
const text = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength }),
    fc.string({ unit: 'binary', maxLength }).filter((s) => !LONE_SURROGATE.test(s)),
    fc.string({ minLength: 120, maxLength: 300 }),
  );
const bytes = (maxLength = 40): fc.Arbitrary<Uint8Array> => fc.oneof(fc.uint8Array({ maxLength }), fc.uint8Array({ minLength: 126, maxLength: 300 }));
const bcd = (maxBytes: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 99 }), { maxLength: maxBytes }).map((pairs) => pairs.map((p) => String(p).padStart(2, '0')).join(''));
const u8 = fc.integer({ min: 0, max: 255 });

const transactionData = fc.record(
  {
    amount: fc.integer({ min: 0, max: 99_999_999 }),
    currencyCode: bcd(2),
    currencyExponent: bcd(1),
    progressReportLanguage: text(2),
    transactionType: bytes(2),
    merchantTransactionReference: text(),
    authorisationCode: text(8),
    token: bytes(),
  },
  { requiredKeys: [] },
);

const ticket = fc.record({ ticketType: u8, ticketHeader: text(), ticketBody: text(700), ticketFooter: text() }, { requiredKeys: [] });

const rawTags = fc.record({ tag9F01: bytes(), tagDF8204: bytes(4), tagC1: bytes(200) }, { requiredKeys: [] });

export const body = fc
  .tuple(
    fc.record(
      {
        transactionStage: u8,
        stageMessage: text(),
        keepAliveReason: u8,
        resultCode: fc.integer({ min: 0, max: 0xffff }),
        byeReason: u8,
        language: text(2),
        transactionId: fc.bigInt(0n, 2n ** 64n - 1n),
        merchantText: text(),
        cancelReason: u8,
        transactionResult: u8,
        transactionData,
        connectionParameters: fc.record({ connectionTimeout: bcd(2), keepAliveInterval: bcd(2) }, { requiredKeys: [] }),
        printData: fc.record({ printOrigin: u8, paperWidth: bytes(2) }, { requiredKeys: [] }),
        tickets: fc.array(ticket, { maxLength: 3 }),
        settings: fc.record({ settingId: bytes(2), settingType: bytes(2), settingValue: bytes() }, { requiredKeys: [] }),
        serialNumber: text(),
        versionString: text(),
        cardBrandIdentifier: bcd(2),
        acquirerLabelName: text(),
      },
      { requiredKeys: [] },
    ),
    rawTags,
  )
  .map(([known, raw]) => ({ ...known, ...raw }));

export const header = fc.record(
  {
    protocolId: fc.stringMatching(/^\d{8}$/),
    terminalId: text(16),
    ecrId: fc.option(text(8), { nil: undefined }),
    sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  },
  { requiredKeys: ['protocolId', 'terminalId', 'sequenceNumber'] },
);

const typedNames = Object.keys(TYPED_MESSAGE_IDS) as TypedMessageName[];

export const typedMessage: fc.Arbitrary<MessageInput> = fc.record({ type: fc.constantFrom(...typedNames), header, body }).map((m) => {
  const b: Record<string, unknown> = { ...m.body };
  // Type 16 is a HelloResponse exactly when the body carries a ResultCode.
  if (m.type === 'HelloRequest') delete b.resultCode;
  if (m.type === 'HelloResponse' && b.resultCode === undefined) b.resultCode = 0;
  return { ...m, body: b } as MessageInput;
});

const PRIMITIVE_TAGS = [0x01, 0x4c, 0x9f01, 0xdf8204, 0x5f2a];
const CONSTRUCTED_TAGS = [0xa0, 0xa6, 0xef, 0xe7, 0xbf01, 0x3f02];

const { node } = fc.letrec<{ node: TlvNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ tag: fc.constantFrom(...PRIMITIVE_TAGS), value: bytes() }),
    fc.record({ tag: fc.constantFrom(...CONSTRUCTED_TAGS), children: fc.array(tie('node'), { maxLength: 3 }) }),
  ),
}));

const genericTypeIds = fc.oneof(
  fc.constantFrom(46, 47, 64, 65, 66, 67, 68, 69, 92, 93, 100),
  fc.integer({ min: 30, max: 41 }),
  fc.integer({ min: 1000, max: 1011 }),
  fc.integer({ min: 101, max: 99_999_999 }).filter((id) => id < 1000 || id > 1011),
);

export const genericMessage: fc.Arbitrary<MessageInput> = fc.record({
  type: fc.constant('Generic'),
  typeId: genericTypeIds,
  header,
  tlv: fc.array(node, { maxLength: 4 }),
});

export const anyMessage = fc.oneof(typedMessage, genericMessage);
