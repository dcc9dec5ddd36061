import { Order, OrderCancellationParams, OrderRefundParams, PutOrderCancellationBody, PutRefundBody, Refund, RefundReceipt } from '@kassa/contract';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { cancelOrderWithRefunds } from '../services/cancellation.js';
import { refundReceiptOf, requestRefund } from '../services/refunds.js';
import { requireTill } from '../services/till-access.js';
import type { RouteDeps } from './deps.js';
import { lower } from './uuids.js';

const RULES =
  'Only a validated order (409 KASSA_ORDER_NOT_VALIDATED). Give `lines` (position and quantity; a line is returned at most as often as it was sold, 422 KASSA_REFUND_QUANTITY) or `amountCents`. All refunds of the order never exceed what its payments took (422 KASSA_REFUND_EXCEEDS_PAID); a card refund never exceeds what the order’s card payments took on that terminal, less what went back through it (422 KASSA_REFUND_EXCEEDS_TERMINAL). A card method pays back through its terminal: the refund line (kind `refund`) then follows the terminal as a payment does (cancel, check again, settle by hand on /api/payments/{uuid}); cash is done at once. A manager or admin refunds; a cashier brings a manager’s `approval` (403 KASSA_FORBIDDEN with details.needs "managerApproval" without one, 403 KASSA_APPROVAL_REFUSED for a wrong one); the user and the approving manager are recorded. A cashier refunds only the orders of their own POS’s sessions.';

const CANCEL_RULES =
  'Only a draft order (409 KASSA_ORDER_NOT_DRAFT) with no line running (409 KASSA_PAYMENT_IN_PROGRESS). An order that took nothing is simply cancelled. One that took money gives it back as refunds of the order, one per terminal for its card lines (a refund line of kind `refund`, started on the terminal that took the money, that follows the terminal as a payment does) and one per method for cash and lines entered by hand (done at once); every terminal must be approved, online and idle (409/422 as a payment: KASSA_DEVICE_OFFLINE, KASSA_TERMINAL_BUSY, …) or nothing changes. That needs a manager or admin; a cashier brings a manager’s `approval` (403 KASSA_FORBIDDEN with details.needs "managerApproval" without one, 403 KASSA_APPROVAL_REFUSED for a wrong one). A refund that fails can be made again with PUT /api/orders/{id}/refunds/{uuid} (an amount).';

export function registerRefundRoutes(app: App, { ctx }: RouteDeps): void {
  app.put(
    '/api/orders/:id/cancellations/:uuid',
    routeOptions(
      'user',
      'orders',
      `Cancel a draft order, refunding what it took; the uuid is the idempotency key (201 cancelled now, 200 the same uuid again: the order as it stands, refunds running or done). ${CANCEL_RULES}`,
      {
        params: OrderCancellationParams,
        body: PutOrderCancellationBody,
        response: { 200: Order, 201: Order, ...errorResponses(404, 409, 422, 503) },
      },
    ),
    async (request, reply) => {
      const orderId = lower(request.params.id);
      await requireTill(ctx, userOf(request), { orderId });
      const { created, order } = await cancelOrderWithRefunds(ctx, userOf(request), orderId, lower(request.params.uuid), request.body);
      return reply.status(created ? 201 : 200).send(order);
    },
  );
  app.put(
    '/api/orders/:id/refunds/:uuid',
    routeOptions(
      'user',
      'orders',
      `Refund a validated order; the uuid is the idempotency key (201 new, 200 the same request again, 409 another body). ${RULES}`,
      {
        params: OrderRefundParams,
        body: PutRefundBody,
        response: { 200: Refund, 201: Refund, ...errorResponses(404, 409, 422, 503) },
      },
    ),
    async (request, reply) => {
      const orderId = lower(request.params.id);
      await requireTill(ctx, userOf(request), { orderId });
      const { created, refund } = await requestRefund(ctx, userOf(request), orderId, lower(request.params.uuid), request.body);
      return reply.status(created ? 201 : 200).send(refund);
    },
  );
  app.get(
    '/api/orders/:id/refunds/:uuid/receipt',
    routeOptions('user', 'orders', 'The refund receipt, ready to print, with the cardholder ticket of a card refund', {
      params: OrderRefundParams,
      response: { 200: RefundReceipt, ...errorResponses(404, 409) },
    }),
    async (request) => refundReceiptOf(ctx, lower(request.params.id), lower(request.params.uuid)),
  );
}
