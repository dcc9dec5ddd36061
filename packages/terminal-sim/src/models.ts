/** The three terminal models kassa supports and what each reports about itself. */
export const MODELS = ['lane5000', 'desk5000', 'move5000'] as const;
export type ModelName = (typeof MODELS)[number];

export interface ModelInfo {
  /** The name printed on the device. */
  readonly label: string;
  /** Prefix of the emulated serial number. */
  readonly serialPrefix: string;
  readonly applicationId: string;
  readonly versionNumber: string;
  readonly versionString: string;
}

const INFO: Readonly<Record<ModelName, ModelInfo>> = {
  lane5000: { label: 'Lane/5000', serialPrefix: '216', applicationId: 'ECR-TLV', versionNumber: '0823', versionString: 'Lane/5000 ECR-TLV 08.23 (sim)' },
  desk5000: { label: 'Desk/5000', serialPrefix: '217', applicationId: 'ECR-TLV', versionNumber: '0823', versionString: 'Desk/5000 ECR-TLV 08.23 (sim)' },
  move5000: { label: 'Move/5000', serialPrefix: '218', applicationId: 'ECR-TLV', versionNumber: '0823', versionString: 'Move/5000 ECR-TLV 08.23 (sim)' },
};

export function isModelName(value: unknown): value is ModelName {
  return typeof value === 'string' && (MODELS as readonly string[]).includes(value);
}

export function modelInfo(model: ModelName): ModelInfo {
  return INFO[model];
}

/** A stable serial number: model prefix, then the terminal id's digits (or its char codes), 12 digits in all. */
export function serialNumberOf(model: ModelName, terminalId: string): string {
  let digits = terminalId.replace(/\D/g, '');
  if (digits.length === 0) digits = [...terminalId].map((c) => c.charCodeAt(0) % 10).join('');
  return INFO[model].serialPrefix + 'S' + digits.slice(-8).padStart(8, '0');
}
