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
  me: () => api<SessionInfo>('GET', '/api/auth/me'),
  logout: () => api<unknown>('POST', '/api/auth/logout'),
  setupState: () => api<SetupState>('GET', '/api/setup'),
  setup: (body: SetupBody) => api<SessionInfo>('POST', '/api/setup', body),
};

export const company = {
  get: () => api<Company>('GET', '/api/company'),
  update: (body: UpdateCompanyBody) => api<Company>('PATCH', '/api/company', body),
};

export const journals = {
  list: () => items(api<List<Journal>>('GET', '/api/journals')),
  create: (body: JournalBody) => api<Journal>('POST', '/api/journals', body),
  update: (id: number, body: JournalBody) => api<Journal>('PUT', `/api/journals/${id}`, body),
  remove: (id: number) => api<unknown>('DELETE', `/api/journals/${id}`),
};

export const boxes = {
  list: () => items(api<List<Box>>('GET', '/api/boxes')),
  pair: (name: string) => api<PairedBox>('POST', '/api/boxes', { name }),
  pairingCode: (name: string) => api<PairingCode>('POST', '/api/boxes/pairing-codes', { name }),
  revoke: (id: string) => api<Box>('POST', `/api/boxes/${enc(id)}/revoke`),
};

export const devices = {
  list: () => items(api<List<Device>>('GET', '/api/devices')),
  approve: (id: number) => api<Device>('POST', `/api/devices/${id}/approve`),
  remove: (id: number) => api<Device>('POST', `/api/devices/${id}/remove`),
  dismissAlert: (id: number, alertId: number) => api<Device>('POST', `/api/devices/${id}/alerts/${alertId}/dismiss`),
};

export const paymentMethods = {
  list: () => items(api<List<PaymentMethod>>('GET', '/api/payment-methods')),
  create: (body: PaymentMethodBody) => api<PaymentMethod>('POST', '/api/payment-methods', body),
  update: (id: number, body: PaymentMethodBody) => api<PaymentMethod>('PUT', `/api/payment-methods/${id}`, body),
  archive: (id: number) => api<PaymentMethod>('POST', `/api/payment-methods/${id}/archive`),
  restore: (id: number) => api<PaymentMethod>('POST', `/api/payment-methods/${id}/restore`),
  remove: (id: number) => api<unknown>('DELETE', `/api/payment-methods/${id}`),
};

export const posConfigs = {
  list: () => items(api<List<PosConfig>>('GET', '/api/pos-configs')),
  create: (body: PosConfigBody) => api<PosConfig>('POST', '/api/pos-configs', body),
  update: (id: number, body: PosConfigBody) => api<PosConfig>('PUT', `/api/pos-configs/${id}`, body),
  archive: (id: number) => api<PosConfig>('POST', `/api/pos-configs/${id}/archive`),
  restore: (id: number) => api<PosConfig>('POST', `/api/pos-configs/${id}/restore`),
  remove: (id: number) => api<unknown>('DELETE', `/api/pos-configs/${id}`),
};

export const products = {
  list: () => items(api<List<Product>>('GET', '/api/products')),
  create: (body: ProductBody) => api<Product>('POST', '/api/products', body),
  update: (id: number, body: ProductBody) => api<Product>('PUT', `/api/products/${id}`, body),
};

export const users = {
  list: () => items(api<List<User>>('GET', '/api/users')),
  create: (body: CreateUserBody) => api<User>('POST', '/api/users', body),
  update: (id: number, body: UpdateUserBody) => api<User>('PATCH', `/api/users/${id}`, body),
  setOwnPin: (body: SetOwnPinBody) => api<User>('PUT', '/api/users/me/pin', body),
  /** Lifts the user's login lock after failed attempts. */
  unlock: (id: number) => api<null>('POST', `/api/users/${id}/unlock`),
};

export const sessions = {
  list: () => items(api<List<PosSession>>('GET', '/api/sessions')),
  get: (id: number) => api<PosSession>('GET', `/api/sessions/${id}`),
  open: (posConfigId: number, openingCashCents: number) => api<PosSession>('POST', '/api/sessions', { posConfigId, openingCashCents }),
  close: (id: number, body: CloseSessionBody) => api<PosSession>('POST', `/api/sessions/${id}/close`, body),
  closingPreview: (id: number) => api<ClosingPreview>('GET', `/api/sessions/${id}/closing-preview`),
  report: (id: number) => api<ZReport>('GET', `/api/sessions/${id}/report`),
  /** The Z report as CSV: a plain link, the session cookie goes with it. */
  reportCsvUrl: (id: number) => `/api/sessions/${id}/report.csv`,
  reportJsonUrl: (id: number) => `/api/sessions/${id}/report`,
  reopen: (id: number, approval?: ManagerApproval) => api<PosSession>('POST', `/api/sessions/${id}/reopen`, approval === undefined ? {} : { approval }),
};

export const orders = {
  list: (query: ListOrdersQuery) => api<OrderList>('GET', `/api/orders${queryString(query)}`),
  put: (id: string, body: PutOrderBody) => api<Order>('PUT', `/api/orders/${enc(id)}`, body),
  get: (id: string) => api<Order>('GET', `/api/orders/${enc(id)}`),
  validate: (id: string) => api<Order>('POST', `/api/orders/${enc(id)}/validate`),
  cancel: (id: string) => api<Order>('POST', `/api/orders/${enc(id)}/cancel`),
  /** Cancels an order, refunding what it took; the uuid is the idempotency key, a cashier sends a manager's approval. */
  cancelWithRefunds: (id: string, uuid: string, body: PutOrderCancellationBody) => api<Order>('PUT', `/api/orders/${enc(id)}/cancellations/${enc(uuid)}`, body),
  receipt: (id: string) => api<Receipt>('GET', `/api/orders/${enc(id)}/receipt`),
  /** A refund: the uuid is the idempotency key; a cashier sends a manager's approval given on the spot. */
  refund: (id: string, uuid: string, body: PutRefundBody) => api<Refund>('PUT', `/api/orders/${enc(id)}/refunds/${enc(uuid)}`, body),
  refundReceipt: (id: string, uuid: string) => api<RefundReceipt>('GET', `/api/orders/${enc(id)}/refunds/${enc(uuid)}/receipt`),
};

/** `?a=1&b=2` of the defined values of a query, or nothing. */
function queryString(query: object): string {
  const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  const search = params.toString();
  return search === '' ? '' : `?${search}`;
}

export const payments = {
  list: (query: ListPaymentsQuery) => api<PaymentList>('GET', `/api/payments${queryString(query)}`),
  get: (uuid: string) => api<PaymentDetail>('GET', `/api/payments/${enc(uuid)}`),
  request: (uuid: string, body: PutPaymentBody) => api<Payment>('PUT', `/api/payments/${enc(uuid)}`, body),
  cancel: (uuid: string) => api<Payment>('POST', `/api/payments/${enc(uuid)}/cancel`),
  recover: (uuid: string) => api<Payment>('POST', `/api/payments/${enc(uuid)}/check`),
  /** An override: a cashier sends a manager's approval given on the spot; a manager or admin sends none. */
  forceDone: (uuid: string, reason: string, approval?: ManagerApproval) => api<Payment>('POST', `/api/payments/${enc(uuid)}/force-done`, approval === undefined ? { reason } : { reason, approval }),
  markFailed: (uuid: string, reason: string, approval?: ManagerApproval) => api<Payment>('POST', `/api/payments/${enc(uuid)}/mark-failed`, approval === undefined ? { reason } : { reason, approval }),
};
