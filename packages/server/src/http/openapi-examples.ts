/**
 * Hand-written examples for the OpenAPI document, for the answers an integrator reads first: the
 * payment, the payment with its history and tickets, a refund, and pairing a box (the code, the
 * credentials it buys, the token flow). An example is used for a response whose
 * schema has exactly its top-level properties; other answers get one sampled from their schema.
 */
const PAYMENT = {
  uuid: '3f0d1c52-8a4e-4c7b-9a57-1d2b6f0e9c11',
  orderId: '9b2e7f40-5c1d-4a8e-b3f6-2c4d8e1a7b90',
  paymentMethodId: 1,
  amountCents: 1000,
  state: 'done',
  deviceId: 1,
  createdAt: '2026-03-14T10:21:05.120Z',
  updatedAt: '2026-03-14T10:21:09.804Z',
  settledBy: null,
  settleReason: null,
  tenderedCents: null,
  changeCents: null,
  approvedBy: null,
  kind: 'payment',
};

const at = (seconds: number): string => new Date(Date.parse(PAYMENT.createdAt) + seconds * 1000).toISOString();

const PAYMENT_DETAIL = {
  payment: PAYMENT,
  history: [
    { at: at(0.2), source: 'box', event: 'accepted', fromState: 'pending', toState: 'waiting', message: null, userId: null, data: { terminalId: '12345678' } },
    {
      at: at(0.6),
      source: 'box',
      event: 'stage',
      fromState: 'waiting',
      toState: 'waitingCard',
      message: 'WaitingForCard',
      userId: null,
      data: { stage: 'WaitingForCard' },
    },
    {
      at: at(2.1),
      source: 'box',
      event: 'stage',
      fromState: 'waitingCard',
      toState: 'waitingCard',
      message: 'WaitingForPin',
      userId: null,
      data: { stage: 'WaitingForPin' },
    },
    {
      at: at(4.7),
      source: 'box',
      event: 'approved',
      fromState: 'waitingCard',
      toState: 'done',
      message: 'Approved',
      userId: null,
      data: { result: 'Approved', amountCents: 1000 },
    },
  ],
  tickets: [{ type: 'cardholder', text: 'BANCONTACT\n**** **** **** 1234\nTOTAL EUR 10,00\nAPPROVED', at: at(4.7) }],
};

/** A card refund of one returned line, approved by a manager on the spot, paid back by the terminal. */
const REFUND = {
  uuid: '7c1e9a03-2b6d-4f58-8e3a-5d0c9b4f1a27',
  orderId: PAYMENT.orderId,
  paymentMethodId: 1,
  methodName: 'Card',
  amountCents: 350,
  state: 'done',
  reason: 'Cola returned unopened',
  lines: [{ position: 1, name: 'Cola', quantity: 1, amountCents: 350 }],
  createdBy: 3,
  approvedBy: 2,
  createdAt: at(600),
};

const BOX_ID = '0b6c5f3e-8d2a-4c1e-9f7a-3e5d2c1b0a99';
const BOX_TOKEN = `${BOX_ID}.q7Vd2kLm9xRt4Nw8Yb3Hc6Jf`;

/** Boxes → Pair a box: the code to type on the box, and the command that uses it. */
const PAIRING_CODE = { code: '483-921', expiresAt: '2026-03-14T10:31:05.000Z', command: 'kassa-iotbox pair --server https://pos.example.com --code 483-921' };

/** What a box gets once for a pairing code (POST /api/boxes/pair). */
const BOX_CREDENTIALS = { boxId: BOX_ID, token: BOX_TOKEN };

/** Pair box (the token flow, for automation): the box and its token, shown once. */
const PAIRED_BOX = {
  box: { id: BOX_ID, name: 'Counter box', createdAt: '2026-03-14T10:21:05.000Z', revokedAt: null, online: false, lastSeenAt: null },
  token: BOX_TOKEN,
  command: `kassa-iotbox --server https://pos.example.com --token ${BOX_TOKEN}`,
};

export const RESPONSE_EXAMPLES: readonly Record<string, unknown>[] = [PAYMENT, PAYMENT_DETAIL, REFUND, PAIRING_CODE, BOX_CREDENTIALS, PAIRED_BOX];
