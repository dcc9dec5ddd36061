import type { TransactionStageName } from '@kassa/protocol';

/** Languages a terminal can show and print in. */
export const LANGUAGES = ['nl', 'fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The final results a terminal reports (TransparentMode is not emulated). */
export type ResultName = 'Approved' | 'Declined' | 'Stopped' | 'Error' | 'TechnicalProblem';
export const RESULT_NAMES: readonly ResultName[] = ['Approved', 'Declined', 'Stopped', 'Error', 'TechnicalProblem'];

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function isResultName(value: unknown): value is ResultName {
  return typeof value === 'string' && (RESULT_NAMES as readonly string[]).includes(value);
}

type StageTexts = Partial<Record<TransactionStageName, string>>;

const STAGE_TEXT: Readonly<Record<Language, StageTexts>> = {
  nl: {
    None: 'Welkom',
    WaitingForCard: 'Presenteer kaart',
    CardDetected: 'Kaart gelezen',
    WaitingForPin: 'Voer uw PIN in',
    WaitingForTransaction: 'Even geduld a.u.b.',
    Finished: 'Transactie beeindigd',
    WaitingForCardRemoval: 'Verwijder kaart',
    CardRemoved: 'Kaart verwijderd',
  },
  fr: {
    None: 'Bienvenue',
    WaitingForCard: 'Présentez la carte',
    CardDetected: 'Carte lue',
    WaitingForPin: 'Introduisez votre code',
    WaitingForTransaction: 'Un instant SVP',
    Finished: 'Transaction terminée',
    WaitingForCardRemoval: 'Retirez la carte',
    CardRemoved: 'Carte retirée',
  },
  en: {
    None: 'Welcome',
    WaitingForCard: 'Present card',
    CardDetected: 'Card read',
    WaitingForPin: 'Enter your PIN',
    WaitingForTransaction: 'Please wait',
    Finished: 'Transaction finished',
    WaitingForCardRemoval: 'Remove card',
    CardRemoved: 'Card removed',
  },
};

/** The text a terminal shows for a stage, in its language (the stage name when it has none). */
export function stageText(language: Language, stage: TransactionStageName): string {
  return STAGE_TEXT[language][stage] ?? stage;
}

const RESULT_TEXT: Readonly<Record<Language, Record<ResultName, string>>> = {
  nl: { Approved: 'GOEDGEKEURD', Declined: 'GEWEIGERD', Stopped: 'GESTOPT', Error: 'FOUT', TechnicalProblem: 'TECHNISCH PROBLEEM' },
  fr: { Approved: 'ACCEPTÉ', Declined: 'REFUSÉ', Stopped: 'ANNULÉ', Error: 'ERREUR', TechnicalProblem: 'PROBLÈME TECHNIQUE' },
  en: { Approved: 'APPROVED', Declined: 'DECLINED', Stopped: 'STOPPED', Error: 'ERROR', TechnicalProblem: 'TECHNICAL PROBLEM' },
};

export function resultText(language: Language, result: ResultName): string {
  return RESULT_TEXT[language][result];
}

export interface TicketWords {
  readonly merchantCopy: string;
  readonly cardholderCopy: string;
  readonly terminal: string;
  readonly date: string;
  readonly card: string;
  readonly amount: string;
  readonly authorisation: string;
  readonly declineReason: string;
  readonly keepReceipt: string;
  readonly sale: string;
  readonly refund: string;
}

const TICKET_WORDS: Readonly<Record<Language, TicketWords>> = {
  nl: {
    merchantCopy: 'KOPIE HANDELAAR',
    cardholderCopy: 'KOPIE KLANT',
    terminal: 'Terminal',
    date: 'Datum',
    card: 'Kaart',
    amount: 'Bedrag',
    authorisation: 'Autorisatiecode',
    declineReason: 'Geweigerd door de bank',
    keepReceipt: 'Bewaar dit ticket',
    sale: 'AANKOOP',
    refund: 'TERUGBETALING',
  },
  fr: {
    merchantCopy: 'COPIE COMMERÇANT',
    cardholderCopy: 'COPIE CLIENT',
    terminal: 'Terminal',
    date: 'Date',
    card: 'Carte',
    amount: 'Montant',
    authorisation: "Code d'autorisation",
    declineReason: 'Refusé par la banque',
    keepReceipt: 'Conservez ce ticket',
    sale: 'ACHAT',
    refund: 'REMBOURSEMENT',
  },
  en: {
    merchantCopy: 'MERCHANT COPY',
    cardholderCopy: 'CARDHOLDER COPY',
    terminal: 'Terminal',
    date: 'Date',
    card: 'Card',
    amount: 'Amount',
    authorisation: 'Authorisation code',
    declineReason: 'Declined by the card issuer',
    keepReceipt: 'Please keep this receipt',
    sale: 'SALE',
    refund: 'REFUND',
  },
};

export function ticketWords(language: Language): TicketWords {
  return TICKET_WORDS[language];
}

/** EUR 12,34 in nl, 12,34 EUR in fr, EUR 12.34 in en. Integer cents in, text out. */
export function formatAmount(language: Language, cents: number): string {
  const euros = Math.trunc(cents / 100);
  const rest = String(cents % 100).padStart(2, '0');
  if (language === 'en') return `EUR ${euros}.${rest}`;
  if (language === 'fr') return `${euros},${rest} EUR`;
  return `EUR ${euros},${rest}`;
}
