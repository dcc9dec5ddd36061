import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBoxToken } from '../auth/tokens.js';
import { getActiveBoxTokenHash } from '../repos/boxes.js';
import { PAIRING_CODE_TTL_MS } from '../services/pairing-codes.js';
import type { Agent, TestApp } from '../test-support/app.js';
import { ADMIN, buildTestApp, CASHIER, loginAs, SETUP_TIMEOUT_MS } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';

describe.each(BACKENDS)('pairing a box by code on %s', (backend) => {
  let t: TestApp;
  let admin: Agent;
  let now = new Date('2026-03-02T10:00:00Z');
  let address = 0;
  // Each exchange from its own address, so the limit is met only where a test means it.
  const exchange = (code: string, remoteAddress = `10.1.0.${(address += 1)}`) =>
    t.app.inject({ method: 'POST', url: '/api/boxes/pair', payload: { code }, remoteAddress });
  const newCode = async (name = 'Shop box') => {
    const response = await admin.inject({ method: 'POST', url: '/api/boxes/pairing-codes', payload: { name } });
    expect(response.statusCode).toBe(201);
    return response.json<{ code: string; expiresAt: string; command: string }>();
  };

  beforeAll(async () => {
    t = await buildTestApp(backend, { now: () => now, pairingLimit: { max: 3, windowMs: 60_000 } });
    admin = await loginAs(t.app, ADMIN);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  describe('POST /api/boxes/pairing-codes', () => {
    it('shows a six-digit code valid ten minutes and the command to type on the box', async () => {
      const shown = await newCode();
      expect(shown.code).toMatch(/^\d{3}-\d{3}$/);
      expect(Date.parse(shown.expiresAt) - now.getTime()).toBe(PAIRING_CODE_TTL_MS);
      expect(shown.command).toBe(`kassa-iotbox pair --server http://kassa.test --code ${shown.code}`);
    });

    it('stores only the hash of the code', async () => {
      const shown = await newCode();
      const rows = await t.database.db.selectFrom('pairing_codes').select(['code_hash']).execute();
      expect(rows.map((r) => r.code_hash)).not.toContain(shown.code.replace('-', ''));
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.code_hash))).toBe(true);
    });

    it('is for admins only', async () => {
      const cashier = await loginAs(t.app, CASHIER);
      expect((await cashier.inject({ method: 'POST', url: '/api/boxes/pairing-codes', payload: { name: 'x' } })).json().error.code).toBe('KASSA_FORBIDDEN');
    });
  });

  describe('POST /api/boxes/pair', () => {
    it('exchanges a code once for a box id and a token the uplink accepts, and the box is listed under its name', async () => {
      const shown = await newCode('Counter box');
      const response = await exchange(shown.code);
      expect(response.statusCode).toBe(201);
      const { boxId, token } = response.json<{ boxId: string; token: string }>();
      expect(token.startsWith(`${boxId}.`)).toBe(true);
      expect(checkBoxToken(token, (await getActiveBoxTokenHash(t.database.db, boxId)) ?? '')).toBe(true);
      const boxes = (await admin.inject({ method: 'GET', url: '/api/boxes' })).json<{ items: { id: string; name: string }[] }>().items;
      expect(boxes).toContainEqual(expect.objectContaining({ id: boxId, name: 'Counter box' }));

      const reused = await exchange(shown.code);
      expect(reused.statusCode).toBe(422);
      expect(reused.json().error).toMatchObject({ code: 'KASSA_PAIRING_CODE', details: { reason: 'used' } });
    });

    it('takes the code without its dash', async () => {
      const shown = await newCode();
      expect((await exchange(shown.code.replace('-', ''))).statusCode).toBe(201);
    });

    it('refuses a wrong code and an expired one with KASSA_PAIRING_CODE, pairing nothing', async () => {
      const before = (await admin.inject({ method: 'GET', url: '/api/boxes' })).json<{ items: unknown[] }>().items.length;
      const shown = await newCode();
      const wrongDigits = String((Number(shown.code.replace('-', '')) + 1) % 1_000_000).padStart(6, '0');
      expect((await exchange(wrongDigits)).json().error).toMatchObject({ code: 'KASSA_PAIRING_CODE', details: { reason: 'unknown' } });
      now = new Date(now.getTime() + PAIRING_CODE_TTL_MS);
      expect((await exchange(shown.code)).json().error).toMatchObject({ code: 'KASSA_PAIRING_CODE', details: { reason: 'expired' } });
      expect((await admin.inject({ method: 'GET', url: '/api/boxes' })).json<{ items: unknown[] }>().items).toHaveLength(before);
    });

    it('refuses what is not a code with KASSA_VALIDATION', async () => {
      expect((await exchange('12345')).json().error.code).toBe('KASSA_VALIDATION');
      expect((await exchange("123-456' or 1=1")).json().error.code).toBe('KASSA_VALIDATION');
    });

    it('answers 429 KASSA_RATE_LIMITED once an address has used up its tries, even with a good code', async () => {
      const shown = await newCode();
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await exchange('000-000', '10.2.0.1')).statusCode);
      const limited = await exchange(shown.code, '10.2.0.1');
      expect(statuses.every((s) => s === 422 || s === 201)).toBe(true);
      expect(limited.statusCode).toBe(429);
      expect(limited.json().error.code).toBe('KASSA_RATE_LIMITED');
      expect((await exchange(shown.code, '10.2.0.2')).statusCode).toBe(201);
    });
  });
});
