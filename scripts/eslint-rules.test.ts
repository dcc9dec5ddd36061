// The lint rule that keeps packages apart: every way of naming another package's src folder is
// refused, and the ordinary ways of importing pass.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: fileURLToPath(new URL('../eslint.config.js', import.meta.url)) });

async function reaches(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'kassa/no-package-src').map((m) => m.message);
}

describe('the rule against importing another package’s src', () => {
  it.each([
    ['packages/iot-box/src/a.ts', "import { TlvError } from '../../protocol/src/errors.js';\nvoid TlvError;"],
    ['packages/iot-box/src/deep/a.ts', "import { TlvError } from '../../../protocol/src/errors.js';\nvoid TlvError;"],
    ['packages/iot-box/src/a.ts', "import { TlvError } from '../../../packages/protocol/src/errors.js';\nvoid TlvError;"],
    ['scripts/a.test.ts', "import { USAGE } from '../packages/server/src/cli-args.js';\nvoid USAGE;"],
    ['packages/chaos/test/a.test.ts', "export { USAGE } from '../../server/src/cli-args.js';"],
    ['packages/chaos/test/a.test.ts', "export * from '../../server/src/index.js';"],
    ['packages/chaos/src/a.ts', "export const m = await import('../../server/src/cli-args.js');"],
    ['packages/chaos/src/a.ts', 'export const m = await import(`../../server/src/cli-args.js`);'],
    ['packages/chaos/src/a.ts', "export type U = typeof import('../../server/src/cli-args.js');"],
    ['packages/iot-box/test/a.test.ts', "import { vi } from 'vitest';\nvi.mock('../../contract/src/index.js');"],
    ['packages/iot-box/test/a.test.ts', "import { vi } from 'vitest';\nexport const real = await vi.importActual('../../contract/src/index.js');"],
    ['packages/iot-box/src/a.ts', "import { TlvError } from '@kassa/protocol/src/errors.js';\nvoid TlvError;"],
  ])('refuses, in %s: %s', async (filePath, code) => {
    expect(await reaches(code, filePath)).toHaveLength(1);
  });

  it.each([
    ['packages/iot-box/src/a.ts', "import { PAID_STATES } from '@kassa/contract';\nvoid PAID_STATES;"],
    ['packages/iot-box/src/deep/a.ts', "import { parseConfig } from '../config.js';\nvoid parseConfig;"],
    ['packages/iot-box/test/a.test.ts', "import { parseConfig } from '../src/config.js';\nvoid parseConfig;"],
    ['packages/iot-box/test/a.test.ts', "import { vi } from 'vitest';\nvi.mock('../src/config.js');"],
    ['packages/chaos/src/a.ts', "export const m = await import('./args.js');"],
    ['scripts/a.test.ts', "import { readFileSync } from 'node:fs';\nexport const text = readFileSync('../packages/server/src/cli-args.ts');"],
  ])('lets pass, in %s: %s', async (filePath, code) => {
    expect(await reaches(code, filePath)).toEqual([]);
  });
});
