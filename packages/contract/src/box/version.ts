/**
 * The box ⇄ server contract version. A box sends it in its hello; the server refuses a version it
 * does not speak, so both sides can evolve without guessing.
 */
export const BOX_CONTRACT_VERSION = 2;

/**
 * The versions a server accepts in a hello. Version 2 added the `terminalConflict` event and names
 * the transaction on every event about it; the server refuses an event that leaves it out once the
 * box has reported sending the transaction (DESIGN.md, Security rules), so a version 1 box, which
 * never names it there, is refused at its hello and must be upgraded.
 */
export const SUPPORTED_BOX_CONTRACT_VERSIONS: readonly number[] = [2];

/** Where a box dials the server: `ws(s)://<server>/api/box/uplink`, token in `Authorization: Bearer …`. */
export const BOX_UPLINK_PATH = '/api/box/uplink';

/** The WebSocket URL a box dials, from the server's base URL (http(s) or ws(s)). */
export function boxUplinkUrl(serverUrl: string): string {
  const url = new URL(serverUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`server URL must be http(s) or ws(s), got ${url.protocol}`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '') + BOX_UPLINK_PATH;
  url.search = '';
  url.hash = '';
  return url.toString();
}
