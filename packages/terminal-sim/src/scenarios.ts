import type { TransactionKind } from './ledger.js';
import type { ScriptStep } from './script.js';
import type { Language, ResultName } from './texts.js';

export const SCENARIOS = [
  'approve',
  'decline',
  'error',
  'stopped',
  'technical-problem',
  'pin-then-approve',
  'slow',
  'no-answer',
  'disconnect-after-card',
  'garbage',
  'split',
  'amount-rule',
  'refund-refused',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (SCENARIOS as readonly string[]).includes(value);
}

export interface PlanInput {
  readonly amountCents: number;
  readonly stageDelayMs: number;
  readonly language: Language;
  /** A purchase unless the request's TransactionType asked for a refund. */
  readonly kind?: TransactionKind;
}

/** What a terminal whose acquirer contract has no refunds shows before refusing one. */
export const REFUND_NOT_ALLOWED: Readonly<Record<Language, string>> = {
  nl: 'Terugbetaling niet toegestaan',
  fr: 'Remboursement non autorisé',
  en: 'Refund not allowed',
};

const WRONG_PIN: Readonly<Record<Language, string>> = { nl: 'PIN onjuist, probeer opnieuw', fr: 'Code incorrect, réessayez', en: 'Wrong PIN, try again' };

/** The steps a scenario runs for one TransactionRequest. Pure: the same input gives the same steps. */
export function scenarioSteps(scenario: ScenarioName, input: PlanInput): ScriptStep[] {
  const d = input.stageDelayMs;
  switch (scenario) {
    case 'approve':
    case 'split':
      return chipAndPin(d, 'Approved');
    case 'decline':
      return chipAndPin(d, 'Declined');
    case 'technical-problem':
      return chipAndPin(d, 'TechnicalProblem');
    case 'error':
      return [{ stage: 'WaitingForCard' }, { waitFor: 'card' }, { stage: 'CardDetected' }, { wait: d }, { result: 'Error' }];
    case 'stopped':
      return [{ stage: 'WaitingForCard' }, { wait: 2 * d }, { result: 'Stopped' }];
    case 'pin-then-approve':
      return [
        { stage: 'WaitingForCard' },
        { waitFor: 'card' },
        { stage: 'CardDetected' },
        { wait: d },
        { stage: 'WaitingForPin' },
        { waitFor: 'pin-ok' },
        { info: WRONG_PIN[input.language] },
        { stage: 'WaitingForPin' },
        { waitFor: 'pin-ok' },
        { stage: 'WaitingForTransaction' },
        { wait: d },
        { result: 'Approved' },
      ];
    case 'slow':
      return slow(d);
    case 'no-answer':
      return chipAndPin(d, 'Approved').slice(0, -2);
    case 'disconnect-after-card':
      return [{ stage: 'WaitingForCard' }, { waitFor: 'card' }, { stage: 'CardDetected' }, { drop: true }, ...chipAndPin(d, 'Approved').slice(3)];
    case 'garbage':
      return [
        { junk: 'bad-mdc' },
        { stage: 'WaitingForCard' },
        { waitFor: 'card' },
        { junk: 'bad-tlv' },
        ...chipAndPin(d, 'Approved').slice(2),
        { junk: 'random' },
      ];
    case 'amount-rule':
      return amountRule(input);
    case 'refund-refused':
      // The contract has no refunds: refused at once, before any card, without tickets. Purchases are approved.
      if (input.kind === 'refund') return [{ info: REFUND_NOT_ALLOWED[input.language] }, { result: 'Error', tickets: false }];
      return chipAndPin(d, 'Approved');
  }
}

/** What `amount-rule` does for an amount, by its last two digits (cents). */
export function amountRuleScenario(amountCents: number): ScenarioName {
  switch (amountCents % 100) {
    case 1:
      return 'decline';
    case 2:
      return 'stopped';
    case 3:
      return 'technical-problem';
    case 4:
      return 'error';
    case 5:
      return 'no-answer';
    case 6:
      return 'disconnect-after-card';
    default:
      return 'approve';
  }
}

function amountRule(input: PlanInput): ScriptStep[] {
  return scenarioSteps(amountRuleScenario(input.amountCents), input);
}

/** Card in, PIN, authorisation: the path of most payments. */
function chipAndPin(d: number, result: ResultName): ScriptStep[] {
  return [
    { stage: 'WaitingForCard' },
    { waitFor: 'card' },
    { stage: 'CardDetected' },
    { wait: d },
    { stage: 'WaitingForPin' },
    { waitFor: 'pin-ok' },
    { stage: 'WaitingForTransaction' },
    { wait: d },
    { result },
  ];
}

/** The approve path with every stage held 50 stage delays (1 s with the default delay). */
function slow(d: number): ScriptStep[] {
  const hold = 50 * d;
  return [
    { stage: 'WaitingForCard' },
    { wait: hold },
    { waitFor: 'card' },
    { stage: 'CardDetected' },
    { wait: hold },
    { stage: 'WaitingForPin' },
    { wait: hold },
    { waitFor: 'pin-ok' },
    { stage: 'WaitingForTransaction' },
    { wait: hold },
    { result: 'Approved' },
  ];
}
