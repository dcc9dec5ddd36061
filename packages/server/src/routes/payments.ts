import { ListPaymentsQuery, Payment, PaymentDetail, PaymentList, PutPaymentBody, SettleBody, UuidParams } from '@kassa/contract';
import type { UserPaymentEvent } from '../domain/payment-states.js';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { listPayments } from '../services/payment-list.js';
import { settleByHand } from '../services/overrides.js';
import { actOnPayment, paymentDetail, requestPayment } from '../services/payments.js';
import { requireTill } from '../services/till-access.js';
import type { RouteDeps } from './deps.js';
import { lower } from './uuids.js';

const ACTIONS: readonly { path: string; event: UserPaymentEvent; summary: string }[] = [
  { path: 'cancel', event: 'cancel', summary: 'Ask the terminal to stop; its answer, not this call, decides the final state' },
  {
    path: 'check',
    event: 'recover',
    summary:
      'Check again: ask the box for the terminal’s last transaction (payment in unknown). On a running payment (waiting, waitingCard) the terminal went quiet on, “Ask the terminal”: the box takes its answer as lost (unknown) and asks at once; an offline terminal is 503 KASSA_DEVICE_OFFLINE and changes nothing',
  },
];

const OVERRIDE_RULE =
  'Only where the terminal’s outcome is unknown (never on a declined payment), for a manager or an admin, or for a cashier with a manager’s `approval` given on the spot (403 KASSA_FORBIDDEN with details.needs "managerApproval" without one, 403 KASSA_APPROVAL_REFUSED for a wrong one, 429 after repeated wrong ones); the user, the approving manager and the reason are recorded';
const SETTLEMENTS: readonly { path: string; event: 'forceDone' | 'markFailed'; summary: string }[] = [
  { path: 'force-done', event: 'forceDone', summary: `Settle by hand as paid, with a reason. ${OVERRIDE_RULE}` },
  { path: 'mark-failed', event: 'markFailed', summary: `Settle by hand as failed, with a reason. ${OVERRIDE_RULE}` },
];
const TILL_RULE = 'A cashier acts only on the payments of their own POS’s sessions (403 KASSA_FORBIDDEN otherwise).';

export function registerPaymentRoutes(app: App, { ctx }: RouteDeps): void {
  app.put(
    '/api/payments/:uuid',
    routeOptions(
      'user',
      'payments',
      `Request a payment; the uuid is the idempotency key (201 new, 200 the same request again, 409 another body). ${TILL_RULE}`,
      {
        params: UuidParams,
        body: PutPaymentBody,
        response: { 200: Payment, 201: Payment, ...errorResponses(404, 409, 422, 503) },
      },
    ),
    async (request, reply) => {
      await requireTill(ctx, userOf(request), { orderId: lower(request.body.orderId) });
      const { created, payment } = await requestPayment(
        ctx,
        lower(request.params.uuid),
        { ...request.body, orderId: lower(request.body.orderId) },
        userOf(request).id,
      );
      return reply.status(created ? 201 : 200).send(payment);
    },
  );
  app.get(
    '/api/payments/:uuid',
    routeOptions('user', 'payments', 'Read a payment with its full history and ticket records', {
      params: UuidParams,
      response: { 200: PaymentDetail, ...errorResponses(404) },
    }),
    async (request) => paymentDetail(ctx, lower(request.params.uuid)),
  );
  app.get(
    '/api/payments',
    routeOptions('user', 'payments', 'Search payments by state, text and date range, newest first, one page at a time', {
      querystring: ListPaymentsQuery,
      response: { 200: PaymentList, ...errorResponses() },
    }),
    async (request) => listPayments(ctx, request.query),
  );
  for (const action of ACTIONS) {
    app.post(
      `/api/payments/:uuid/${action.path}`,
      routeOptions('user', 'payments', `${action.summary}. ${TILL_RULE}`, { params: UuidParams, response: { 200: Payment, ...errorResponses(404, 409, 503) } }),
      async (request) => {
        const uuid = lower(request.params.uuid);
        await requireTill(ctx, userOf(request), { paymentUuid: uuid });
        return actOnPayment(ctx, uuid, { event: action.event, userId: userOf(request).id });
      },
    );
  }
  for (const settlement of SETTLEMENTS) {
    app.post(
      `/api/payments/:uuid/${settlement.path}`,
      routeOptions('user', 'payments', `${settlement.summary}. ${TILL_RULE}`, {
        params: UuidParams,
        body: SettleBody,
        response: { 200: Payment, ...errorResponses(404, 409) },
      }),
      async (request) =>
        settleByHand(ctx, userOf(request), lower(request.params.uuid), {
          event: settlement.event,
          reason: request.body.reason,
          approval: request.body.approval,
        }),
    );
  }
}
