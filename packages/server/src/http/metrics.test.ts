import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFromBox } from '../test-support/box-reports.js';
import type { TestApp } from '../test-support/app.js';
import { buildTestApp, SETUP_TIMEOUT_MS, uuid } from '../test-support/app.js';
import { BACKENDS } from '../test-support/databases.js';
import type { Shop } from '../test-support/shop.js';
import { newOrder, setupShop } from '../test-support/shop.js';

const TOKEN = 'metrics-token-0123456789';

describe.each(BACKENDS)('GET /metrics on %s', (backend) => {
  let t: TestApp;
  let shop: Shop;
  const scrape = (headers: Record<string, string>) => t.app.inject({ method: 'GET', url: '/metrics', headers });

  beforeAll(async () => {
    t = await buildTestApp(backend, { metricsToken: TOKEN });
    shop = await setupShop(t);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t.close();
  });

  it('refuses a caller without the token or a session (401), with a wrong token or a cashier session (403)', async () => {
    expect((await scrape({})).json().error.code).toBe('KASSA_UNAUTHENTICATED');
    expect((await scrape({ authorization: 'Bearer wrong-token-0000000000' })).json().error.code).toBe('KASSA_FORBIDDEN');
    expect((await scrape({ cookie: shop.cashier.cookie })).json().error.code).toBe('KASSA_FORBIDDEN');
  });

  it('answers the bearer token and an admin session in the Prometheus text format', async () => {
    for (const headers of [{ authorization: `Bearer ${TOKEN}` }, { cookie: shop.admin.cookie }] as Record<string, string>[]) {
      const response = await scrape(headers);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      expect(response.body).toMatch(/^kassa_server_nodejs_eventloop_lag_seconds /m);
    }
  });

  it('counts payments by state and method, requests by route, a payment from request to final state, streams, boxes and terminals', async () => {
    const order = await newOrder(shop);
    const paymentUuid = uuid();
    expect(
      (
        await shop.cashier.inject({
          method: 'PUT',
          url: `/api/payments/${paymentUuid}`,
          payload: { orderId: order.id, paymentMethodId: shop.card.id, amountCents: 950 },
        })
      ).statusCode,
    ).toBeLessThan(300);
    await reportFromBox(t.app.kassa, paymentUuid, 'approved', { eventId: `approved-${paymentUuid}` });
    const text = (await scrape({ authorization: `Bearer ${TOKEN}` })).body;
    expect(text).toContain('kassa_payments{state="done",method="Card"} 1');
    expect(text).toMatch(/^kassa_http_request_duration_seconds_count\{method="PUT",route="\/api\/payments\/:uuid",status="\d+"\} 1$/m);
    expect(text).toContain('kassa_payment_duration_seconds_count{state="done"} 1');
    expect(text).toContain('kassa_payments_finished_total{state="done"} 1');
    expect(text).toContain('kassa_live_streams 0');
    expect(text).toContain('kassa_boxes_connected 0');
    expect(text).toContain('kassa_terminals_connected 1');
  });
});
