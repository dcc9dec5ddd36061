import type { Static } from 'typebox';
import { Type } from 'typebox';
import { DateTime, Id, Name } from './common.js';

export const Company = Type.Object({
  name: Type.String(),
  country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
  ingenicoEnabled: Type.Boolean({ description: 'The setting "Payment terminals → Ingenico" (BE, NL, LU only).' }),
  vatRates: Type.Array(Type.Integer(), { description: 'VAT rates (percent) of the country.' }),
});
export type Company = Static<typeof Company>;

export const UpdateCompanyBody = Type.Object(
  { name: Type.Optional(Name), country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })), ingenicoEnabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type UpdateCompanyBody = Static<typeof UpdateCompanyBody>;

export const JournalType = Type.Union([Type.Literal('bank'), Type.Literal('cash')]);
export const Journal = Type.Object({ id: Type.Integer(), name: Type.String(), type: JournalType });
export type Journal = Static<typeof Journal>;
export const JournalBody = Type.Object({ name: Name, type: JournalType }, { additionalProperties: false });
export type JournalBody = Static<typeof JournalBody>;

export const Box = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: DateTime,
  revokedAt: Type.Union([DateTime, Type.Null()]),
  online: Type.Boolean(),
  lastSeenAt: Type.Union([DateTime, Type.Null()]),
});
export type Box = Static<typeof Box>;
export const PairBoxBody = Type.Object({ name: Name }, { additionalProperties: false });
export type PairBoxBody = Static<typeof PairBoxBody>;
/** The token is shown once, here; the server keeps only its hash. */
export const PairedBox = Type.Object({ box: Box, token: Type.String(), command: Type.String({ description: 'The kassa-iotbox command to run on the box.' }) });
export type PairedBox = Static<typeof PairedBox>;

/** A pairing code as shown in the back office: six digits, `483-921`. */
export const PAIRING_CODE_PATTERN = '^[0-9]{3}-?[0-9]{3}$';
/** A short code a box exchanges once, within minutes, for its token (`kassa-iotbox pair`). */
export const PairingCode = Type.Object({
  code: Type.String({ pattern: '^[0-9]{3}-[0-9]{3}$' }),
  expiresAt: DateTime,
  command: Type.String({ description: 'The kassa-iotbox pair command to run on the box.' }),
});
export type PairingCode = Static<typeof PairingCode>;
/** What the box sends to POST /api/boxes/pair: the code, with or without its dash. */
export const PairWithCodeBody = Type.Object({ code: Type.String({ pattern: PAIRING_CODE_PATTERN }) }, { additionalProperties: false });
export type PairWithCodeBody = Static<typeof PairWithCodeBody>;
/**
 * Why POST /api/boxes/pair refused a code (`details.reason` of KASSA_PAIRING_CODE): no such code
 * (mistyped), past its ten minutes, or already exchanged by a box. `kassa-iotbox pair` says which.
 */
export const PAIRING_REFUSALS = ['unknown', 'expired', 'used'] as const;
export type PairingRefusal = (typeof PAIRING_REFUSALS)[number];
/** The box's identity and token, given once in exchange for a pairing code. */
export const BoxCredentials = Type.Object({ boxId: Type.String(), token: Type.String() });
export type BoxCredentials = Static<typeof BoxCredentials>;
/**
 * A terminal's approval: `new` (never approved: no payment, no payment method may choose it),
 * `approved`, `quarantined` (came back with another serial number or address than approved: no
 * payment until an admin approves the change).
 */
export const DeviceApproval = Type.Union([Type.Literal('new'), Type.Literal('approved'), Type.Literal('quarantined')]);
export type DeviceApproval = Static<typeof DeviceApproval>;

/** Something a box refused about the device, until an admin dismisses it. */
export const DeviceAlert = Type.Object({
  id: Type.Integer(),
  kind: Type.Literal('impostor', { description: 'A connection claimed this TerminalId while the terminal was online, and the box refused it.' }),
  at: DateTime,
  address: Type.Union([Type.String(), Type.Null()]),
  serialNumber: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String({ description: 'otherAddress, otherSerialNumber or notIdentified' }),
  attempts: Type.Integer({ description: 'Refused attempts this alert stands for.' }),
});
export type DeviceAlert = Static<typeof DeviceAlert>;

export const Device = Type.Object({
  id: Type.Integer(),
  boxId: Type.String(),
  terminalId: Type.String(),
  type: Type.String({ description: 'payment, printer, …' }),
  make: Type.String(),
  model: Type.String(),
  online: Type.Boolean(),
  lastSeenAt: Type.Union([DateTime, Type.Null()]),
  removed: Type.Boolean({ description: 'Removed by an admin or its box revoked: no longer listed (a live event says so once).' }),
  approval: DeviceApproval,
  serialNumber: Type.Union([Type.String(), Type.Null()], { description: 'As the box last reported it (VersionInformation).' }),
  address: Type.Union([Type.String(), Type.Null()], { description: 'The address the terminal last connected from.' }),
  approvedSerialNumber: Type.Union([Type.String(), Type.Null()]),
  approvedAddress: Type.Union([Type.String(), Type.Null()]),
  approvedAt: Type.Union([DateTime, Type.Null()]),
  sharedWith: Type.Array(Type.Integer(), {
    description: 'Devices of other boxes reported with the same TerminalId: no payment goes to it while there are any.',
  }),
  alerts: Type.Array(DeviceAlert, { description: 'Open alerts, newest first (at most 20).' }),
});
export type Device = Static<typeof Device>;
export const DeviceAlertParams = Type.Object({ id: Id, alertId: Id });
export type DeviceAlertParams = Static<typeof DeviceAlertParams>;

export const PaymentMethodKind = Type.Union([Type.Literal('cash'), Type.Literal('bank')]);
export const TerminalKind = Type.Union([Type.Literal('none'), Type.Literal('ingenico')]);
export const PaymentMethod = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: PaymentMethodKind,
  journalId: Type.Integer(),
  terminal: TerminalKind,
  deviceId: Type.Union([Type.Integer(), Type.Null()]),
  refundTransactionType: Type.Union([Type.String(), Type.Null()], {
    description: 'The TransactionType (two hex digits) its terminal takes for a refund; null: the default, 20.',
  }),
  archived: Type.Boolean({ description: 'Archived: kept for the history that names it, offered nowhere, refused for new payments and refunds.' }),
});
export type PaymentMethod = Static<typeof PaymentMethod>;
export const PaymentMethodBody = Type.Object(
  {
    name: Name,
    kind: PaymentMethodKind,
    journalId: Id,
    terminal: TerminalKind,
    deviceId: Type.Union([Id, Type.Null()]),
    /** Absent: unchanged (null on a new method); null: the default, 20. */
    refundTransactionType: Type.Optional(
      Type.Union([Type.String({ pattern: '^[0-9A-Fa-f]{2}$', description: 'TransactionType (A3/54) of a refund, two hex digits.' }), Type.Null()]),
    ),
  },
  { additionalProperties: false },
);
export type PaymentMethodBody = Static<typeof PaymentMethodBody>;

export const PosConfig = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  paymentMethodIds: Type.Array(Type.Integer()),
  archived: Type.Boolean({ description: 'Archived: kept for the history of its sessions, not offered at the till, no new session opens on it.' }),
  shop: Type.Union([Type.String(), Type.Null()], {
    description: 'The shop (location) the till stands in, e.g. "Brussels – Rue Neuve"; null: none. Managers and admins can follow one shop’s tills live.',
  }),
});
export type PosConfig = Static<typeof PosConfig>;
/** A shop's name as the back office types it: trimmed by the server, blank is no shop. */
export const ShopName = Type.String({ maxLength: 80 });
export const PosConfigBody = Type.Object(
  {
    name: Name,
    paymentMethodIds: Type.Array(Id, { maxItems: 50 }),
    shop: Type.Optional(Type.Union([ShopName, Type.Null()], { description: 'Left out: unchanged (none on a new POS configuration); null or blank: none.' })),
  },
  { additionalProperties: false },
);
export type PosConfigBody = Static<typeof PosConfigBody>;

export const Product = Type.Object({ id: Type.Integer(), name: Type.String(), priceCents: Type.Integer(), vatRate: Type.Integer(), active: Type.Boolean() });
export type Product = Static<typeof Product>;
export const ProductBody = Type.Object(
  {
    name: Name,
    priceCents: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Price including VAT, in cents.' }),
    vatRate: Type.Integer({ minimum: 0, maximum: 100 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProductBody = Static<typeof ProductBody>;
