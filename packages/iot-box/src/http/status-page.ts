import type { BoxStatus } from './status.js';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => escapes[c]!);

/** A small page a technician opens on the shop's network; it reloads itself every 2 seconds. */
export function renderStatusPage(status: BoxStatus): string {
  const { answer, event } = status.latency;
  const timing = (label: string, reading: { count: number; p50Ms: number | null; p99Ms: number | null }): string =>
    reading.count === 0 ? '' : ` · ${label}: p50 ≤ ${reading.p50Ms} ms, p99 ≤ ${reading.p99Ms} ms`;
  const rows = status.terminals
    .map((t) => {
      const tx = t.transaction
        ? `${esc(t.transaction.status)} ${(t.transaction.amountCents / 100).toFixed(2)} EUR${t.transaction.stage ? ` · ${esc(t.transaction.stage)}` : ''}`
        : '';
      return `<tr><td>${esc(t.terminalId)}</td><td>${esc(t.model)}</td><td>${esc(t.serialNumber ?? '')}</td><td>${esc(t.address ?? '')}</td><td class="${t.online ? 'on' : 'off'}">${t.online ? 'online' : 'offline'}</td><td>${esc(t.state)}</td><td>${esc(t.lastSeen)}</td><td>${tx}</td></tr>`;
    })
    .join('\n');
  const conflicts = status.terminalConflicts.recent
    .map(
      (c) =>
        `<tr><td>${esc(c.at)}</td><td>${esc(c.terminalId)}</td><td>${esc(c.address)}</td><td>${esc(c.serialNumber ?? '')}</td><td>${esc(c.reason)}</td></tr>`,
    )
    .join('\n');
  const conflictTable =
    status.terminalConflicts.total === 0
      ? ''
      : `<h2>Refused claims of an online terminal's id: ${status.terminalConflicts.total}</h2>
<table><thead><tr><th>At</th><th>Terminal</th><th>Address</th><th>Serial number</th><th>Why</th></tr></thead>
<tbody>
${conflicts}
</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
<title>kassa IoT box</title>
<style>body{font-family:system-ui,sans-serif;margin:1.5rem}table{border-collapse:collapse}td,th{padding:.3rem .7rem;border-bottom:1px solid #ddd;text-align:left}.on{color:#17803d}.off{color:#b42318}</style>
</head><body>
<h1>kassa IoT box</h1>
<p>Box ${esc(status.boxId)} · ${esc(status.software)} · up ${status.uptimeSeconds} s · server: ${esc(status.server.state)} · events waiting for the server: ${status.server.pendingEvents}${timing('answers', answer)}${timing('events', event)}</p>
<table><thead><tr><th>Terminal</th><th>Model</th><th>Serial number</th><th>Address</th><th>Link</th><th>State</th><th>Last seen</th><th>Transaction</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="8">No terminal has connected yet. Type this box\'s address and port on the terminal.</td></tr>'}
</tbody></table>
${conflictTable}
</body></html>
`;
}
