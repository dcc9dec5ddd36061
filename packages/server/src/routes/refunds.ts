import { OrderRefundParams, PutRefundBody, Refund, RefundReceipt } from '@kassa/contract';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { refundReceiptOf, requestRefund } from '../services/refunds.js';
import { requireTill } from '../services/till-access.js';
import type { RouteDeps } from './deps.js';
import { lower } from './uuids.js';

const RULES =
  'Only a validated order (409 KASSA_ORDER_NOT_VALIDATED). Give `lines` (position and quantity; a line is returned at most as often as it was sold, 422 KASSA_REFUND_QUANTITY) or `amountCents`. All refunds of the order never exceed what its payments took (422 KASSA_REFUND_EXCEEDS_PAID); a card refund never exceeds what the order’s card payments took on that terminal, less what went back through it (422 KASSA_REFUND_EXCEEDS_TERMINAL). A card method pays back through its terminal: the refund line (kind `refund`) then follows the terminal as a payment does (cancel, check again, settle by hand on /api/payments/{uuid}); cash is done at once. A manager or admin refunds; a cashier brings a manager’s `approval` (403 KASSA_FORBIDDEN with details.needs "managerApproval" without one, 403 KASSA_APPROVAL_REFUSED for a wrong one); the user and the approving manager are recorded. A cashier refunds only the orders of their own POS’s sessions.';

export function registerRefundRoutes(app: App, { ctx }: RouteDeps): void {
  app.put(
    '/api/orders/:id/refunds/:uuid',
    routeOptions('user', 'orders', `Refund a validated order; the uuid is the idempotency key (201 new, 200 the same request again, 409 another body). ${RULES}`, {
      params: OrderRefundParams,
      body: PutRefundBody,
      response: { 200: Refund, 201: Refund, ...errorResponses(404, 409, 422, 503) },
    }),
    async (request, reply) => {
      const orderId = lower(request.params.id);
      await requireTill(ctx, userOf(request), { orderId });
      const { created, refund } = await requestRefund(ctx, userOf(request), orderId, lower(request.params.uuid), request.body);
      return reply.status(created ? 201 : 200).send(refund);
    },
  );
  app.get(
    '/api/orders/:id/refunds/:uuid/receipt',
    routeOptions('user', 'orders', 'The refund receipt, ready to print, with the cardholder ticket of a card refund', { params: OrderRefundParams, response: { 200: RefundReceipt, ...errorResponses(404, 409) } }),
    async (request) => refundReceiptOf(ctx, lower(request.params.id), lower(request.params.uuid)),
  );
}
