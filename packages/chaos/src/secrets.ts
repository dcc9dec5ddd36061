import { readFileSync } from 'node:fs';

export interface SecretLeak {
  readonly file: string;
  readonly line: number;
  readonly secret: string;
}

/**
 * The lines where the server deliberately shows the demo credentials to the person who started
 * it (`--demo` prints them once on its console): not a log record, so not a leak.
 */
const DEMO_BANNER = /^\s+(admin|cashier|demo box):\s/;

/** Finds any of the secrets in the log files; secrets are named, never printed. */
export function findSecrets(files: readonly string[], secrets: ReadonlyMap<string, string>): SecretLeak[] {
  const leaks: SecretLeak[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (DEMO_BANNER.test(line)) return;
      for (const [name, secret] of secrets) {
        if (secret.length >= 6 && line.includes(secret)) leaks.push({ file, line: index + 1, secret: name });
      }
    });
  }
  return leaks;
}
