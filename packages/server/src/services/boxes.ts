import type { Box as BoxApi, Device as DeviceApi, PairedBox } from '@kassa/contract';
import { issueBoxToken } from '../auth/tokens.js';
import { notFound } from '../domain/errors.js';
import type { Box } from '../repos/boxes.js';
import { createBox, revokeBox } from '../repos/boxes.js';
import type { DeviceView } from '../repos/devices.js';
import { removeBoxDevices } from '../repos/devices.js';
import { appendEvent } from '../repos/events.js';
import { notify } from '../repos/notify.js';
import type { ServiceContext } from './context.js';
import { iso, isoOrNull } from './context.js';

export const BOX_REVOKED_CHANNEL = 'box_revoked';

export function boxView(box: Box): BoxApi {
  return {
    id: box.id,
    name: box.name,
    createdAt: iso(box.createdAt),
    revokedAt: isoOrNull(box.revokedAt),
    online: box.online,
    lastSeenAt: isoOrNull(box.lastSeenAt),
  };
}

export function deviceView(device: DeviceView): DeviceApi {
  return {
    id: device.id,
    boxId: device.boxId,
    terminalId: device.terminalId,
    type: device.type,
    make: device.make,
    model: device.model,
    online: device.online,
    lastSeenAt: isoOrNull(device.lastSeenAt),
    removed: device.removed,
    approval: device.approval,
    serialNumber: device.serialNumber,
    address: device.address,
    approvedSerialNumber: device.approvedSerialNumber,
    approvedAddress: device.approvedAddress,
    approvedAt: isoOrNull(device.approvedAt),
    sharedWith: [...device.sharedWith],
    alerts: device.alerts.map((a) => ({ ...a, at: iso(a.at) })),
  };
}

/** The command an installer runs on the box; quoted so it can be pasted into a shell as is. */
export function pairingCommand({ serverUrl, token }: { serverUrl: string; token: string }): string {
  return `kassa-iotbox --server ${serverUrl} --token ${token} --listen 0.0.0.0:9000 --data ./kassa-box`;
}

/** Pairs a box: the token is returned once and only its hash is kept. */
export async function pairBox(ctx: ServiceContext, name: string): Promise<PairedBox> {
  const issued = issueBoxToken();
  const box = await createBox(ctx.db, { id: issued.boxId, name, tokenHash: issued.tokenHash });
  return { box: boxView(box), token: issued.token, command: pairingCommand({ serverUrl: ctx.publicUrl, token: issued.token }) };
}

/** Revokes a box: its token stops working, its devices leave the configuration, its link is closed. */
export async function revokePairedBox(ctx: ServiceContext, id: string): Promise<BoxApi> {
  return ctx.db.transaction().execute(async (trx) => {
    const box = await revokeBox(trx, id, ctx.now());
    if (box === null) throw notFound('Box', id);
    await removeBoxDevices(trx, id);
    await appendEvent(trx, { topic: 'box', audience: 'admin', data: { box: boxView(box) } });
    await notify(trx, ctx.prefix, BOX_REVOKED_CHANNEL, id);
    return boxView(box);
  });
}
