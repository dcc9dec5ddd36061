import type { Order, PaymentDetail, PaymentList } from '@kassa/contract';

/** A logged-in API caller, for what a test checks outside the browser (a payment's full history). */
export class ApiClient {
  private constructor(
    private readonly base: string,
    private readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async logIn(base: string, credentials: { username: string; password: string }): Promise<ApiClient> {
    const response = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
    });
    if (!response.ok) throw new Error(`login failed: ${response.status}`);
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return new ApiClient(base, cookie, csrfToken);
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.base}${path}`, { headers: { cookie: this.cookie, 'x-csrf-token': this.csrf } });
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return (await response.json()) as T;
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method: 'POST',
      headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  payments(): Promise<PaymentList> {
    return this.get<PaymentList>('/api/payments?limit=200');
  }

  order(id: string): Promise<Order> {
    return this.get<Order>(`/api/orders/${id}`);
  }

  payment(uuid: string): Promise<PaymentDetail> {
    return this.get<PaymentDetail>(`/api/payments/${uuid}`);
  }
}
