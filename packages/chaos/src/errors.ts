export const ChaosErrorCode = {
  BadFlag: 'CHAOS_BAD_FLAG',
  Setup: 'CHAOS_SETUP',
  ProcessExited: 'CHAOS_PROCESS_EXITED',
  Timeout: 'CHAOS_TIMEOUT',
} as const;
export type ChaosErrorCode = (typeof ChaosErrorCode)[keyof typeof ChaosErrorCode];

export class ChaosError extends Error {
  constructor(
    readonly code: ChaosErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ChaosError';
  }
}
