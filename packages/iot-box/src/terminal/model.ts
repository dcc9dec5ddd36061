import type { Body } from '@kassa/protocol';
import type { TerminalModel } from '@kassa/contract';

export interface TerminalIdentity {
  readonly model: TerminalModel;
  readonly serialNumber: string | null;
}

const MODELS: readonly [RegExp, TerminalModel][] = [
  [/lane\s*\/?\s*5000/i, 'lane5000'],
  [/desk\s*\/?\s*5000/i, 'desk5000'],
  [/move\s*\/?\s*5000/i, 'move5000'],
];

/** The model and serial number named by a VersionInformationResponse; `unknown` when no field names a model. */
export function identityFromVersionInformation(body: Body): TerminalIdentity {
  const texts = [body.applicationId, body.logicalId, body.versionString, body.versionNumber, body.extraInformationValue, body.extraInformationName];
  let model: TerminalModel = 'unknown';
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    const found = MODELS.find(([pattern]) => pattern.test(text));
    if (found) {
      model = found[1];
      break;
    }
  }
  const serial = typeof body.serialNumber === 'string' && body.serialNumber.length > 0 ? body.serialNumber.slice(0, 64) : null;
  return { model, serialNumber: serial };
}
