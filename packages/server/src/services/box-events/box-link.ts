import type { BoxHello } from '@kassa/contract';
import { nextPaymentState } from '../../domain/payment-states.js';
import { getBox, setBoxLink } from '../../repos/boxes.js';
import { setBoxDevicesOffline } from '../../repos/devices.js';
import { activePaymentsOfBox } from '../../repos/payments.js';
import { lockPayments } from '../../repos/uplink-batch.js';
import { recordBoxHello, releaseBoxLink, setDevicesOfflineExcept } from '../../repos/uplink-boxes.js';
import { boxView, deviceView } from '../boxes.js';
import type { ServiceContext } from '../context.js';
import { PaymentBatch } from './batch.js';
import { applyDeviceReports } from './device-reports.js';
import { LINK_LOST } from './history.js';
import { inTransaction } from './retry.js';

/**
 * A box said hello on a link this process holds: the box is online here (so commands are routed to
 * this process), its hello is recorded, every device it reports is stored, and the devices it no
 * longer reports go offline. Returns the box's name for the welcome.
 */
export async function boxConnected(ctx: ServiceContext, boxId: string, hello: BoxHello): Promise<{ name: string }> {
  return inTransaction(ctx, async (trx) => {
    const at = ctx.now();
    await setBoxLink(trx, boxId, { online: true, serverId: ctx.serverId, at });
    await recordBoxHello(trx, { boxId, reportedId: hello.boxId, software: hello.software, contractVersion: hello.version, at });
    const batch = new PaymentBatch(trx, ctx, boxId);
    // Every reported device is written (and announced) at a hello, whatever changed.
    await applyDeviceReports(
      trx,
      batch,
      boxId,
      hello.devices.map((report, index) => ({ index, report })),
      null,
    );
    for (const device of await setDevicesOfflineExcept(
      trx,
      boxId,
      hello.devices.map((d) => d.terminalId),
    ))
      batch.announce('device', 'cashier', { device: deviceView(device) });
    const box = await getBox(trx, boxId);
    if (box !== null) batch.announce('box', 'admin', { box: boxView(box) });
    await batch.write();
    return { name: box?.name ?? '' };
  });
}

/**
 * The link of a box ended. If this process still held it, the box and its devices go offline and
 * every payment that was running on it becomes unknown: its answer may be lost until the box
 * returns and replays what it journaled. If the box already reconnected (here or to another
 * process), nothing changes. Returns whether the box went offline.
 */
export async function boxDisconnected(ctx: ServiceContext, boxId: string): Promise<boolean> {
  return inTransaction(ctx, async (trx) => {
    const at = ctx.now();
    if (!(await releaseBoxLink(trx, boxId, ctx.serverId, at))) return false;
    const batch = new PaymentBatch(trx, ctx, boxId);
    for (const device of await setBoxDevicesOffline(trx, boxId)) batch.announce('device', 'cashier', { device: deviceView(device) });
    // A pending line has not reached the terminal as far as the server knows: its command waits.
    const running = (await activePaymentsOfBox(trx, boxId)).filter((p) => p.state !== 'pending');
    for (const payment of (
      await lockPayments(
        trx,
        running.map((p) => p.uuid),
      )
    ).values()) {
      batch.record(payment, LINK_LOST, { source: 'server', next: nextPaymentState({ state: payment.state, event: 'lost' }) });
    }
    const box = await getBox(trx, boxId);
    if (box !== null) batch.announce('box', 'admin', { box: boxView(box) });
    await batch.write();
    return true;
  });
}
