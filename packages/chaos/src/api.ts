/** The answer of one HTTP call; `status` 0 means no answer at all (refused, reset, timed out). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly server: string;
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export function errorCode(answer: ApiAnswer): string | undefined {
  const body = answer.body as Partial<ErrorBody> | null;
  return typeof body === 'object' && body !== null && typeof body.error?.code === 'string' ? body.error.code : undefined;
}

/**
 * A logged-in API caller, as a till or a back office is: the session cookie and the CSRF token go
 * with every request, to whichever server process the caller picks.
 */
export class ApiClient {
  #cookie = '';
  #csrf = '';
  calls = 0;
  noAnswers = 0;

  constructor(
    readonly servers: readonly string[],
    private readonly timeoutMs = 5000,
  ) {}

  async login(username: string, password: string, server = this.servers[0]!): Promise<ApiAnswer> {
    const answer = await this.call(server, 'POST', '/api/auth/login', { username, password });
    if (answer.status === 200) {
      this.#csrf = (answer.body as { csrfToken: string }).csrfToken;
    }
    return answer;
  }

  /** Another caller on the same session: the tills of one cashier log in once (the login is rate-limited per address). */
  sharingSession(): ApiClient {
    const other = new ApiClient(this.servers, this.timeoutMs);
    other.#cookie = this.#cookie;
    other.#csrf = this.#csrf;
    return other;
  }

  get loggedIn(): boolean {
    return this.#cookie !== '';
  }

  /** The session cookie value (to look for it in logs). */
  get sessionCookie(): string {
    return this.#cookie.replace(/^kassa_session=/, '');
  }

  async call(server: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    return body === undefined
      ? this.raw(server, method, path)
      : this.raw(server, method, path, { text: JSON.stringify(body), contentType: 'application/json' });
  }

  /** Any body with any content type, as a hostile or broken client would send it. */
  /** An empty header value leaves that header out. */
  async raw(
    server: string,
    method: string,
    path: string,
    payload?: { text: string; contentType: string },
    extraHeaders: Readonly<Record<string, string>> = {},
  ): Promise<ApiAnswer> {
    this.calls++;
    const headers: Record<string, string> = {};
    if (payload !== undefined) headers['content-type'] = payload.contentType;
    if (this.#cookie !== '') headers['cookie'] = this.#cookie;
    if (this.#csrf !== '' && method !== 'GET') headers['x-csrf-token'] = this.#csrf;
    for (const [name, value] of Object.entries(extraHeaders)) {
      if (value === '') delete headers[name];
      else headers[name] = value;
    }
    try {
      const response = await fetch(`${server}${path}`, {
        method,
        headers,
        ...(payload === undefined ? {} : { body: payload.text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const setCookie = response.headers.get('set-cookie');
      const session = setCookie === null ? null : /kassa_session=([^;]*)/.exec(setCookie);
      if (session !== null && session[1] !== undefined && session[1] !== '') this.#cookie = `kassa_session=${session[1]}`;
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? null : JSON.parse(text);
      } catch {
        // kept as text
      }
      return { status: response.status, body: parsed, server };
    } catch {
      this.noAnswers++;
      return { status: 0, body: null, server };
    }
  }
}
