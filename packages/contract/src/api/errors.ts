/**
 * Every refusal of the kassa API, defined once: its stable code, its HTTP status and a default
 * message. The code is the contract with clients and tests; the message is for people and may
 * change (clients show their own words for a code). The status sits beside the code so that it is
 * defined once, not in every handler.
 */
export const ERROR_CATALOGUE = {
  KASSA_VALIDATION: { status: 400, message: 'The request is not valid.' },
  KASSA_UNAUTHENTICATED: { status: 401, message: 'Log in first.' },
  KASSA_BAD_CREDENTIALS: { status: 401, message: 'Unknown user or wrong password.' },
  KASSA_FORBIDDEN: { status: 403, message: 'Your role may not do this.' },
  KASSA_APPROVAL_REFUSED: { status: 403, message: 'The approval was refused: unknown manager, wrong PIN or password, or a user who may not approve.' },
  KASSA_CSRF: { status: 403, message: 'Missing or wrong CSRF token.' },
  KASSA_NOT_FOUND: { status: 404, message: 'Not found.' },
  KASSA_CONFLICT: { status: 409, message: 'Conflicts with the current data.' },
  KASSA_IDEMPOTENCY_MISMATCH: { status: 409, message: 'This uuid was already used with a different request.' },
  KASSA_BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  KASSA_UNSUPPORTED_MEDIA: { status: 415, message: 'Send JSON (content-type: application/json).' },
  KASSA_RATE_LIMITED: { status: 429, message: 'Too many attempts; wait a moment.' },
  KASSA_COUNTRY_UNKNOWN: { status: 422, message: 'The country must be a two-letter ISO code.' },
  KASSA_INGENICO_COUNTRY: { status: 422, message: 'Ingenico is available only in Belgium, the Netherlands and Luxembourg.' },
  KASSA_INGENICO_DISABLED: { status: 422, message: 'Switch on the setting "Payment terminals → Ingenico" first.' },
  KASSA_INGENICO_IN_USE: { status: 409, message: 'Payment methods still use Ingenico.' },
  KASSA_JOURNAL_NOT_BANK: { status: 422, message: 'A payment method that uses a terminal needs a journal of type Bank.' },
  KASSA_JOURNAL_NOT_CASH: { status: 422, message: 'A cash payment method needs a journal of type Cash.' },
  KASSA_JOURNAL_IN_USE: { status: 409, message: 'Payment methods still use this journal.' },
  KASSA_DEVICE_REQUIRED: { status: 422, message: 'An Ingenico payment method needs a payment terminal device.' },
  KASSA_DEVICE_NOT_INGENICO: { status: 422, message: 'The device is not an Ingenico payment terminal.' },
  KASSA_DEVICE_UNEXPECTED: { status: 422, message: 'Only a method that uses a payment terminal takes a device.' },
  KASSA_DEVICE_GONE: { status: 422, message: 'The payment terminal device of this method no longer exists.' },
  KASSA_DEVICE_OFFLINE: { status: 503, message: 'The payment terminal is offline.' },
  KASSA_DEVICE_NOT_APPROVED: { status: 422, message: "The payment terminal waits for an admin's approval." },
  KASSA_DEVICE_QUARANTINED: {
    status: 409,
    message: 'The payment terminal came back with another serial number or address; an admin must approve the change before it takes payments.',
  },
  KASSA_DEVICE_DUPLICATE: { status: 409, message: 'Two boxes report this TerminalId; no payment goes to it until an admin removes the wrong device.' },
  KASSA_ALERT_DISMISSED: { status: 409, message: 'The alert was already dismissed.' },
  KASSA_NAME_BLANK: { status: 422, message: 'A name cannot be blank.' },
  KASSA_NAME_TAKEN: { status: 409, message: 'This name is used already.' },
  KASSA_DEVICE_IN_USE: { status: 409, message: 'Another payment method uses this payment terminal device.' },
  KASSA_POS_NO_METHOD: { status: 422, message: 'A POS configuration needs at least one payment method.' },
  KASSA_METHOD_IN_USE: { status: 409, message: 'This payment method is in use: archive it instead of deleting it.' },
  KASSA_POS_LAST_METHOD: {
    status: 409,
    message: 'This is the only payment method in use of a POS configuration: give it another method first, or archive that POS configuration.',
  },
  KASSA_METHOD_ARCHIVED: { status: 422, message: 'This payment method is archived: it is offered nowhere.' },
  KASSA_POS_IN_USE: { status: 409, message: 'Sessions were opened on this POS configuration: archive it instead of deleting it.' },
  KASSA_POS_ARCHIVED: { status: 422, message: 'This POS configuration is archived: no session opens on it.' },
  KASSA_POS_SESSION_OPEN: { status: 409, message: 'A session of this POS configuration is open: close it first.' },
  KASSA_CASH_WITH_TERMINAL: { status: 422, message: 'A cash payment method cannot use a payment terminal.' },
  KASSA_VAT_RATE: { status: 422, message: 'This VAT rate does not exist in the company country.' },
  KASSA_AMOUNT: { status: 422, message: 'Amounts are positive whole cents.' },
  KASSA_ORDER_EMPTY: { status: 422, message: 'An order needs at least one line.' },
  KASSA_ORDER_NOT_DRAFT: { status: 409, message: 'The order is already validated.' },
  KASSA_ORDER_UNPAID: { status: 409, message: 'The paid total does not equal the order total.' },
  KASSA_PAYMENT_IN_PROGRESS: { status: 409, message: 'A payment of this order is still running.' },
  KASSA_AMOUNT_EXCEEDS_DUE: { status: 422, message: 'Only cash can exceed what is still due (the rest is the change).' },
  KASSA_NOTHING_DUE: { status: 422, message: 'Nothing is due on this order any more.' },
  KASSA_ORDER_CARD_PAID: { status: 409, message: 'A card payment of this order is settled: the order cannot be cancelled without refunding it.' },
  KASSA_ORDER_TOOK_MONEY: {
    status: 409,
    message: 'This order took money: cancel it with a cancellation that refunds it (PUT /api/orders/{id}/cancellations/{uuid}), a manager approving.',
  },
  KASSA_ORDER_NOT_VALIDATED: { status: 409, message: 'Only a validated order can be refunded.' },
  KASSA_REFUND_EXCEEDS_PAID: { status: 422, message: 'The refunds would exceed what the order was paid.' },
  KASSA_REFUND_EXCEEDS_TERMINAL: {
    status: 422,
    message: 'A card refund cannot exceed what the order’s card payments took on that terminal, less what it refunded already.',
  },
  KASSA_REFUND_QUANTITY: { status: 422, message: 'More of this line would be returned than was sold.' },
  KASSA_METHOD_NOT_IN_POS: { status: 422, message: 'This payment method is not offered by the POS of the order.' },
  KASSA_PAYMENT_STATE: { status: 409, message: 'The payment is not in a state that allows this.' },
  KASSA_TERMINAL_BUSY: { status: 409, message: 'The payment terminal is busy with another payment.' },
  KASSA_SESSION_CLOSED: { status: 409, message: 'The POS session is closed.' },
  KASSA_SESSION_ALREADY_OPEN: { status: 409, message: 'This POS already has an open session.' },
  KASSA_SESSION_ORDERS_OPEN: { status: 409, message: 'Validate or cancel the open orders first.' },
  KASSA_SESSION_REFUNDS_RUNNING: { status: 409, message: 'A refund of this session is still running or unknown: let it finish or settle it first.' },
  KASSA_SESSION_ATTENTION: { status: 409, message: 'An order of this session kept money it should have given back: refund it first.' },
  KASSA_REFUND_NO_SESSION: { status: 409, message: 'No session of this order’s POS is open: open one, the refund is paid from it.' },
  KASSA_BOX_REVOKED: { status: 409, message: 'The box is revoked.' },
  KASSA_LAST_ADMIN: { status: 409, message: 'The last admin cannot be removed or demoted.' },
  KASSA_SETUP_REQUIRED: { status: 409, message: 'No admin exists yet: open the setup link the server printed at start, or run kassa-server create-admin.' },
  KASSA_SETUP_DONE: { status: 409, message: 'An admin exists already; log in instead.' },
  KASSA_SETUP_TOKEN: { status: 403, message: 'This setup link is not valid; use the newest link the server printed.' },
  KASSA_PAIRING_CODE: { status: 422, message: 'The pairing code is wrong, expired or already used; show a new one in the back office.' },
  KASSA_DATABASE_UNAVAILABLE: { status: 503, message: 'The database does not answer.' },
  // A box dialling the uplink while this server process is closing (or lost the socket meanwhile).
  KASSA_UNAVAILABLE: { status: 503, message: 'The uplink cannot take this box now.' },
  KASSA_INTERNAL: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of the catalogue: what `ErrorBody.error.code` holds. */
export type ApiErrorCode = keyof typeof ERROR_CATALOGUE;

export const API_ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ApiErrorCode[];

export function isApiErrorCode(value: string): value is ApiErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value);
}

/** The length, size and count rules: an issue for one of them carries the limit it names. */
const LIMIT_RULES = ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems'] as const;

/**
 * Why the schema check refused a value: each issue of a `KASSA_VALIDATION` refusal's
 * `details.issues` names its `path` (a missing property's own path), its `reason` (the JSON Schema
 * rule it broke, `invalid` for any other) and, for a length, size or count, the `limit` that rule
 * names, so that clients say "Username: 64 characters at most" in their own language.
 */
export const VALIDATION_REASONS = [...LIMIT_RULES, 'pattern', 'required', 'type', 'enum', 'format', 'additionalProperties', 'invalid'] as const;
export type ValidationReason = (typeof VALIDATION_REASONS)[number];

export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
  readonly reason: ValidationReason;
  readonly limit?: number;
}

/** The rules whose limit an issue carries. */
export const VALIDATION_LIMITS: readonly ValidationReason[] = LIMIT_RULES;
