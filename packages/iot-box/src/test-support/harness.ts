import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBox, type Box, type BoxOptions } from '../box.js';
import { createLogger } from '../logger.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kassa-iotbox-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A box on ephemeral loopback ports with a fresh data folder and a silent log. */
export async function startTestBox(options: BoxOptions = {}): Promise<Box & { dataDir: string; port: number }> {
  const dataDir = options.dataDir ?? tempDir();
  const box = await startBox({
    listen: '127.0.0.1:0',
    http: '127.0.0.1:0',
    logger: createLogger(process.env.KASSA_TEST_LOG === '1' ? 'debug' : 'silent'),
    backoff: { initialMs: 50, maxMs: 400 },
    ...options,
    dataDir,
  });
  return Object.assign(box, { dataDir, port: box.listenAddress.port });
}
