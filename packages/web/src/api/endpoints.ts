import type {
  Box,
  CloseSessionBody,
  ClosingPreview,
  ZReport,
  Company,
  CreateUserBody,
  Device,
  Journal,
  JournalBody,
  ListOrdersQuery,
  ListPaymentsQuery,
  LoginBody,
  ManagerApproval,
  Order,
  OrderList,
  PairedBox,
  PairingCode,
  Payment,
  PaymentDetail,
  PaymentList,
  PaymentMethod,
  PaymentMethodBody,
  PosConfig,
  PosConfigBody,
  PosSession,
  Product,
  ProductBody,
  PutOrderBody,
  PutPaymentBody,
  PutOrderCancellationBody,
  PutRefundBody,
  Receipt,
  Refund,
  RefundReceipt,
  SetOwnPinBody,
  SessionInfo,
  SetupBody,
  SetupState,
  UpdateCompanyBody,
  UpdateUserBody,
  User,
} from '@kassa/contract';
import { api } from './client';

/** Every route of the kassa API the app uses, in one place; the types are the contract's. */
interface List<T> {
  items: T[];
}
const items = async <T>(promise: Promise<List<T>>): Promise<T[]> => (await promise).items;
const enc = encodeURIComponent;

export const auth = {
  login: (body: LoginBody) => api<SessionInfo>('POST', '/api/auth/login', body),
  me: (signal?: AbortSignal) => api<SessionInfo>('GET', '/api/auth/me', undefined, signal),
  logout: () => api<unknown>('POST', '/api/auth/logout'),
  setupState: (signal?: AbortSignal) => api<SetupState>('GET', '/api/setup', undefined, signal),
  setup: (body: SetupBody) => api<SessionInfo>('POST', '/api/setup', body),
};

export const company = {
  get: (signal?: AbortSignal) => api<Company>('GET', '/api/company', undefined, signal),
  update: (body: UpdateCompanyBody) => api<Company>('PATCH', '/api/company', body),
};

export const journals = {
  list: (signal?: AbortSignal) => items(api<List<Journal>>('GET', '/api/journals', undefined, signal)),
  create: (body: JournalBody) => api<Journal>('POST', '/api/journals', body),
  update: (id: number, body: JournalBody) => api<Journal>('PUT', `/api/journals/${id}`, body),
  remove: (id: number) => api<unknown>('DELETE', `/api/journals/${id}`),
};

export const boxes = {
  list: (signal?: AbortSignal) => items(api<List<Box>>('GET', '/api/boxes', undefined, signal)),
  pair: (name: string) => api<PairedBox>('POST', '/api/boxes', { name }),
  pairingCode: (name: string) => api<PairingCode>('POST', '/api/boxes/pairing-codes', { name }),
  revoke: (id: string) => api<Box>('POST', `/api/boxes/${enc(id)}/revoke`),
};

export const devices = {
  list: (signal?: AbortSignal) => items(api<List<Device>>('GET', '/api/devices', undefined, signal)),
  approve: (id: number) => api<Device>('POST', `/api/devices/${id}/approve`),
  remove: (id: number) => api<Device>('POST', `/api/devices/${id}/remove`),
  dismissAlert: (id: number, alertId: number) => api<Device>('POST', `/api/devices/${id}/alerts/${alertId}/dismiss`),
};

export const paymentMethods = {
  list: (signal?: AbortSignal) => items(api<List<PaymentMethod>>('GET', '/api/payment-methods', undefined, signal)),
  create: (body: PaymentMethodBody) => api<PaymentMethod>('POST', '/api/payment-methods', body),
  update: (id: number, body: PaymentMethodBody) => api<PaymentMethod>('PUT', `/api/payment-methods/${id}`, body),
  archive: (id: number) => api<PaymentMethod>('POST', `/api/payment-methods/${id}/archive`),
  restore: (id: number) => api<PaymentMethod>('POST', `/api/payment-methods/${id}/restore`),
  remove: (id: number) => api<unknown>('DELETE', `/api/payment-methods/${id}`),
};

export const posConfigs = {
  list: (signal?: AbortSignal) => items(api<List<PosConfig>>('GET', '/api/pos-configs', undefined, signal)),
  create: (body: PosConfigBody) => api<PosConfig>('POST', '/api/pos-configs', body),
  update: (id: number, body: PosConfigBody) => api<PosConfig>('PUT', `/api/pos-configs/${id}`, body),
  archive: (id: number) => api<PosConfig>('POST', `/api/pos-configs/${id}/archive`),
  restore: (id: number) => api<PosConfig>('POST', `/api/pos-configs/${id}/restore`),
  remove: (id: number) => api<unknown>('DELETE', `/api/pos-configs/${id}`),
};

export const products = {
  list: (signal?: AbortSignal) => items(api<List<Product>>('GET', '/api/products', undefined, signal)),
  create: (body: ProductBody) => api<Product>('POST', '/api/products', body),
  update: (id: number, body: ProductBody) => api<Product>('PUT', `/api/products/${id}`, body),
};

export const users = {
  list: (signal?: AbortSignal) => items(api<List<User>>('GET', '/api/users', undefined, signal)),
  create: (body: CreateUserBody) => api<User>('POST', '/api/users', body),
  update: (id: number, body: UpdateUserBody) => api<User>('PATCH', `/api/users/${id}`, body),
  setOwnPin: (body: SetOwnPinBody) => api<User>('PUT', '/api/users/me/pin', body),
  /** Lifts the user's login lock after failed attempts. */
  unlock: (id: number) => api<null>('POST', `/api/users/${id}/unlock`),
};

export const sessions = {
  list: (signal?: AbortSignal) => items(api<List<PosSession>>('GET', '/api/sessions', undefined, signal)),
  get: (id: number, signal?: AbortSignal) => api<PosSession>('GET', `/api/sessions/${id}`, undefined, signal),
  open: (posConfigId: number, openingCashCents: number) => api<PosSession>('POST', '/api/sessions', { posConfigId, openingCashCents }),
  close: (id: number, body: CloseSessionBody) => api<PosSession>('POST', `/api/sessions/${id}/close`, body),
  closingPreview: (id: number, signal?: AbortSignal) => api<ClosingPreview>('GET', `/api/sessions/${id}/closing-preview`, undefined, signal),
  report: (id: number, signal?: AbortSignal) => api<ZReport>('GET', `/api/sessions/${id}/report`, undefined, signal),
  /** The Z report as CSV: a plain link, the session cookie goes with it. */
  reportCsvUrl: (id: number) => `/api/sessions/${id}/report.csv`,
  reportJsonUrl: (id: number) => `/api/sessions/${id}/report`,
  reopen: (id: number, approval?: ManagerApproval) => api<PosSession>('POST', `/api/sessions/${id}/reopen`, approval === undefined ? {} : { approval }),
};

export const orders = {
  list: (query: ListOrdersQuery, signal?: AbortSignal) => api<OrderList>('GET', `/api/orders${queryString(query)}`, undefined, signal),
  put: (id: string, body: PutOrderBody) => api<Order>('PUT', `/api/orders/${enc(id)}`, body),
  get: (id: string, signal?: AbortSignal) => api<Order>('GET', `/api/orders/${enc(id)}`, undefined, signal),
  validate: (id: string) => api<Order>('POST', `/api/orders/${enc(id)}/validate`),
  cancel: (id: string) => api<Order>('POST', `/api/orders/${enc(id)}/cancel`),
  /** Cancels an order, refunding what it took; the uuid is the idempotency key, a cashier sends a manager's approval. */
  cancelWithRefunds: (id: string, uuid: string, body: PutOrderCancellationBody) => api<Order>('PUT', `/api/orders/${enc(id)}/cancellations/${enc(uuid)}`, body),
  receipt: (id: string, signal?: AbortSignal) => api<Receipt>('GET', `/api/orders/${enc(id)}/receipt`, undefined, signal),
  /** A refund: the uuid is the idempotency key; a cashier sends a manager's approval given on the spot. */
  refund: (id: string, uuid: string, body: PutRefundBody) => api<Refund>('PUT', `/api/orders/${enc(id)}/refunds/${enc(uuid)}`, body),
  refundReceipt: (id: string, uuid: string, signal?: AbortSignal) =>
    api<RefundReceipt>('GET', `/api/orders/${enc(id)}/refunds/${enc(uuid)}/receipt`, undefined, signal),
};

/** `?a=1&b=2` of the defined values of a query, or nothing. */
function queryString(query: object): string {
  const params = new URLSearchParams(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
  const search = params.toString();
  return search === '' ? '' : `?${search}`;
}

export const payments = {
  list: (query: ListPaymentsQuery, signal?: AbortSignal) => api<PaymentList>('GET', `/api/payments${queryString(query)}`, undefined, signal),
  get: (uuid: string, signal?: AbortSignal) => api<PaymentDetail>('GET', `/api/payments/${enc(uuid)}`, undefined, signal),
  request: (uuid: string, body: PutPaymentBody) => api<Payment>('PUT', `/api/payments/${enc(uuid)}`, body),
  cancel: (uuid: string) => api<Payment>('POST', `/api/payments/${enc(uuid)}/cancel`),
  recover: (uuid: string) => api<Payment>('POST', `/api/payments/${enc(uuid)}/check`),
  /** An override: a cashier sends a manager's approval given on the spot; a manager or admin sends none. */
  forceDone: (uuid: string, reason: string, approval?: ManagerApproval) =>
    api<Payment>('POST', `/api/payments/${enc(uuid)}/force-done`, approval === undefined ? { reason } : { reason, approval }),
  markFailed: (uuid: string, reason: string, approval?: ManagerApproval) =>
    api<Payment>('POST', `/api/payments/${enc(uuid)}/mark-failed`, approval === undefined ? { reason } : { reason, approval }),
};
