import { request } from 'node:http';
import type { ClientRequest } from 'node:http';

export interface SseMessage {
  readonly id: string | null;
  readonly event: string;
  readonly data: string;
}

/** A Server-Sent Events client that keeps every message and comment it reads. */
export interface SseClient {
  /** The response's status; 0 when the client was closed before the response came. */
  readonly status: Promise<number>;
  readonly messages: SseMessage[];
  readonly comments: string[];
  close(): void;
}

export function openSse(url: string, headers: Record<string, string>): SseClient {
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  let buffer = '';
  let req: ClientRequest | null = null;
  let closed = false;
  const status = new Promise<number>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      resolve(response.statusCode ?? 0);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          parseBlock(block, messages, comments);
          end = buffer.indexOf('\n\n');
        }
      });
      response.on('error', () => undefined);
    });
    // Closing before the response hangs the request up: that is the caller's doing, not an error.
    req.on('error', (error) => (closed ? resolve(0) : reject(error)));
    req.end();
  });
  return {
    status,
    messages,
    comments,
    close: () => {
      closed = true;
      req?.destroy();
    },
  };
}

function parseBlock(block: string, messages: SseMessage[], comments: string[]): void {
  let id: string | null = null;
  let event = 'message';
  const data: string[] = [];
  let hasField = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else continue;
    hasField = true;
  }
  if (hasField && data.length > 0) messages.push({ id, event, data: data.join('\n') });
}
