/**
 * Message types (header tag 11, BCD). Requests and responses whose bodies the
 * codec maps to named fields are "typed"; the rest decode to a generic message
 * that keeps its raw TLV tree.
 */
export const TYPED_MESSAGE_IDS = {
  HelloRequest: 16,
  // The deployed box answers Hello with type 16 as well; the body tells them apart.
  HelloResponse: 16,
  KeepAliveRequest: 18,
  KeepAliveResponse: 19,
  ByeRequest: 20,
  ByeResponse: 21,
  TransactionRequest: 48,
  TransactionResponse: 49,
  TotalsRequest: 50,
  TotalsResponse: 51,
  LastTicketRequest: 52,
  LastTicketResponse: 53,
  CancelRequest: 54,
  CancelResponse: 55,
  LastTransactionRequest: 56,
  LastTransactionResponse: 57,
  InformationReport: 80,
  SettingsRequest: 82,
  SettingsResponse: 83,
  VersionInformationRequest: 90,
  VersionInformationResponse: 91,
} as const;

export type TypedMessageName = keyof typeof TYPED_MESSAGE_IDS;

const GENERIC_NAMES: ReadonlyMap<number, string> = new Map([
  [46, 'PrintInfoRequest'],
  [47, 'PrintInfoResponse'],
  [64, 'PrintConfirmationRequest'],
  [65, 'PrintConfirmationResponse'],
  [66, 'PrintRequest'],
  [67, 'PrintResponse'],
  [68, 'IntermediateResultRequest'],
  [69, 'IntermediateResultResponse'],
  [92, 'PerformTmsSessionRequest'],
  [93, 'PerformTmsSessionResponse'],
  [100, 'RebootAndClearCtapDataBaseRequest'],
]);

const TYPED_BY_ID: ReadonlyMap<number, TypedMessageName> = new Map(
  (Object.entries(TYPED_MESSAGE_IDS) as [TypedMessageName, number][]).filter(([name]) => name !== 'HelloResponse').map(([name, id]) => [id, name]),
);

/** The typed name for a message type id, or undefined when the type is generic. */
export function typedNameOf(typeId: number): TypedMessageName | undefined {
  return TYPED_BY_ID.get(typeId);
}

/** The name of a generic message type, as PROTOCOL.md groups them. */
export function genericNameOf(typeId: number): string {
  const known = GENERIC_NAMES.get(typeId);
  if (known) return known;
  if (typeId >= 30 && typeId <= 41) return 'AcquirerDownload';
  if (typeId >= 1000 && typeId <= 1011) return 'TransparentMode';
  return 'Unknown';
}

export function isTypedMessageName(name: string): name is TypedMessageName {
  return Object.prototype.hasOwnProperty.call(TYPED_MESSAGE_IDS, name);
}
