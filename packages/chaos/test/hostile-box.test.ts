import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileBox } from '../src/hostile-box.js';
import { startTestServer, uplinkAnswer, type TestServer } from '../src/test-support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('hostile box fuzz (a box with a valid token)', () => {
  it.each([1, 2])(
    'neither crashes nor wedges the server, and settles no payment against the rules (seed %i)',
    async (seed) => {
      const report = await hostileBox({
        serverUrl: server.url,
        boxToken: server.boxToken,
        terminalId: server.terminalId,
        admin: await server.login('admin'),
        cashier: await server.login('cashier'),
        seed,
      });
      expect(report.problems).toEqual([]);
      expect(report.sent).toBeGreaterThan(400);
      expect(await uplinkAnswer(server.url, server.boxToken)).toBe('welcome');
    },
    120_000,
  );
});
