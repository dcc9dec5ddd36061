/** Named values of the protocol's enumerations. Unknown numbers stay numbers: decoding never fails on them. */
export const TransactionStage = {
  None: 0,
  WaitingForCard: 1,
  WaitingForPin: 2,
  WaitingForTransaction: 3,
  Finished: 4,
  WaitingForTipInput: 5,
  WaitingForConfirmationService: 6,
  WaitingForConfirmationAmount: 7,
  WaitingForConfirmationServiceAndAmount: 8,
  WaitingForCardRemoval: 9,
  WaitingForLastTransactionResult: 10,
  WaitingForApplicationSelection: 11,
  CardDetected: 12,
  WaitingForIntermediateResult: 13,
  CardRemoved: 14,
} as const;
export type TransactionStageName = keyof typeof TransactionStage;

export const TransactionResult = {
  Approved: 0,
  Error: 1,
  Declined: 2,
  Stopped: 3,
  TechnicalProblem: 4,
  TransparentMode: 5,
} as const;
export type TransactionResultName = keyof typeof TransactionResult;

export const ByeReason = { Deactivate: 1, Shutdown: 2, Reboot: 3, Reconnect: 4, BatteryEmpty: 5 } as const;
export type ByeReasonName = keyof typeof ByeReason;

export const CancelReason = { Manual: 0, System: 1 } as const;

/** ResultCode 0000: the request was accepted. */
export const RESULT_OK = 0;
/** PrintOrigin 02: the cash register prints the ticket. */
export const PRINT_ORIGIN_CASH_REGISTER = 2;

function reverse<T extends Record<string, number>>(table: T): ReadonlyMap<number, keyof T & string> {
  return new Map(Object.entries(table).map(([k, v]) => [v, k as keyof T & string]));
}

const STAGE_NAMES = reverse(TransactionStage);
const RESULT_NAMES = reverse(TransactionResult);
const BYE_NAMES = reverse(ByeReason);

/** `WaitingForCard` for 1; `Stage(77)` for a value the protocol does not name. */
export function stageName(value: number): string {
  return STAGE_NAMES.get(value) ?? `Stage(${value})`;
}

/** `Approved` for 0; `Result(9)` for a value the protocol does not name. */
export function resultName(value: number): string {
  return RESULT_NAMES.get(value) ?? `Result(${value})`;
}

export function byeReasonName(value: number): string {
  return BYE_NAMES.get(value) ?? `ByeReason(${value})`;
}

export function stageValue(name: string): number | undefined {
  return (TransactionStage as Record<string, number>)[name];
}

export function resultValue(name: string): number | undefined {
  return (TransactionResult as Record<string, number>)[name];
}
