import type { Box, Device, DeviceAlert } from '@kassa/contract';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { devices } from '../api/endpoints';
import { showDevice } from '../api/liveCache';
import { queries } from '../api/queries';
import { allOf } from '../api/queryState';
import { DataTable, ErrorAlert, LoadState, OnlineBadge, Page } from '../ui/components';
import { useDateTime } from '../ui/hooks';

export function DevicesPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  // Device and box events keep both up to date (`liveCache.ts`); a device answered by an action is shown the same way.
  const loaded = allOf(useQuery(queries.devices()), useQuery(queries.boxes()));
  const show = (device: Device) => showDevice(queryClient, device);

  return (
    <Page title={t('devices.title')}>
      <p className="help">{t('devices.liveHint')}</p>
      <p className="help">{t('devices.approvalHint')}</p>
      <LoadState query={loaded}>
        {([deviceList, boxList]) => (
          <>
            <AlertList devices={deviceList} onChanged={show} />
            <DeviceTable devices={deviceList} boxes={boxList} onChanged={show} />
          </>
        )}
      </LoadState>
      <HowToConnect />
    </Page>
  );
}

function ApprovalBadge({ device }: { device: Device }) {
  const { t } = useTranslation();
  if (device.approval === 'approved') return <span className="badge badge-ok">{t('devices.approvalApproved')}</span>;
  if (device.approval === 'new') return <span className="badge badge-warn">{t('devices.approvalNew')}</span>;
  return <span className="badge badge-off">{t('devices.approvalQuarantined')}</span>;
}

function DeviceTable({ devices: list, boxes: boxList, onChanged }: { devices: Device[]; boxes: Box[]; onChanged: (device: Device) => void }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const act = async (work: () => Promise<Device>, after: (device: Device) => void) => {
    setError(null);
    try {
      after(await work());
      setConfirming(null);
    } catch (caught) {
      setError(caught);
    }
  };
  const boxName = (id: string) => boxList.find((b) => b.id === id)?.name ?? id;
  if (list.length === 0) return <p>{t('devices.empty')}</p>;
  return (
    <>
      <ErrorAlert error={error} />
      <DataTable
        label={t('devices.title')}
        columns={[
          t('devices.terminalId'),
          t('devices.model'),
          t('devices.serialNumber'),
          t('devices.address'),
          t('devices.box'),
          t('devices.state'),
          t('devices.approval'),
          t('devices.lastSeen'),
          t('app.actions'),
        ]}
      >
        {list.map((device) => (
          <tr key={device.id}>
            <th scope="row">{device.terminalId}</th>
            <td>
              {device.model} <small className="muted">{device.make}</small>
            </td>
            <td>{device.serialNumber ?? t('devices.notReported')}</td>
            <td>{device.address ?? t('devices.notReported')}</td>
            <td>{boxName(device.boxId)}</td>
            <td>
              <OnlineBadge online={device.online} />
            </td>
            <td>
              <ApprovalBadge device={device} />
              {device.approval === 'quarantined' ? (
                <small className="help block">
                  {t('devices.approvedWas', {
                    serialNumber: device.approvedSerialNumber ?? t('devices.notReported'),
                    address: device.approvedAddress ?? t('devices.notReported'),
                  })}
                </small>
              ) : null}
              {device.sharedWith.length > 0 ? (
                <small className="help block" role="note">
                  {t('devices.sharedWith', { boxes: device.sharedWith.map((id) => boxName(list.find((d) => d.id === id)?.boxId ?? String(id))).join(', ') })}
                </small>
              ) : null}
            </td>
            <td>{device.lastSeenAt === null ? t('boxes.never') : dateTime(device.lastSeenAt)}</td>
            <td>
              {device.approval === 'approved' ? null : (
                <button
                  type="button"
                  className="primary"
                  aria-label={t('devices.approveLabel', { terminalId: device.terminalId })}
                  onClick={() => void act(() => devices.approve(device.id), onChanged)}
                >
                  {device.approval === 'new' ? t('devices.approve') : t('devices.approveChange')}
                </button>
              )}{' '}
              {confirming === device.id ? (
                <span className="confirm" role="group" aria-label={t('devices.removeConfirm', { terminalId: device.terminalId })}>
                  <span>{t('devices.removeConfirm', { terminalId: device.terminalId })}</span>
                  <button type="button" className="danger" onClick={() => void act(() => devices.remove(device.id), onChanged)}>
                    {t('devices.remove')}
                  </button>
                  <button type="button" onClick={() => setConfirming(null)}>
                    {t('app.cancel')}
                  </button>
                </span>
              ) : (
                <button type="button" aria-label={t('devices.removeLabel', { terminalId: device.terminalId })} onClick={() => setConfirming(device.id)}>
                  {t('devices.remove')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}

const REASONS: Record<string, 'reasonOtherAddress' | 'reasonOtherSerialNumber' | 'reasonNotIdentified'> = {
  otherAddress: 'reasonOtherAddress',
  otherSerialNumber: 'reasonOtherSerialNumber',
  notIdentified: 'reasonNotIdentified',
};

/** The open alerts of every device, newest first, each with Dismiss. */
function AlertList({ devices: list, onChanged }: { devices: Device[]; onChanged: (device: Device) => void }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const [error, setError] = useState<unknown>(null);
  const alerts = list.flatMap((device) => device.alerts.map((alert) => ({ device, alert }))).sort((a, b) => b.alert.at.localeCompare(a.alert.at));
  if (alerts.length === 0) return null;
  const dismiss = async (device: Device, alert: DeviceAlert) => {
    setError(null);
    try {
      onChanged(await devices.dismissAlert(device.id, alert.id));
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section className="card highlight" aria-labelledby="device-alerts-title">
      <h2 id="device-alerts-title">{t('devices.alerts')}</h2>
      <ErrorAlert error={error} />
      <ul className="alerts">
        {alerts.map(({ device, alert }) => (
          <li key={alert.id}>
            <span>
              {t('devices.alertImpostor', {
                at: dateTime(alert.at),
                terminalId: device.terminalId,
                address: alert.address ?? t('devices.notReported'),
                serialNumber: alert.serialNumber ?? t('devices.notReported'),
                attempts: alert.attempts,
              })}{' '}
              {REASONS[alert.reason] === undefined ? alert.reason : t(`devices.${REASONS[alert.reason]!}`)}
            </span>{' '}
            <button type="button" aria-label={t('devices.dismissLabel', { terminalId: device.terminalId })} onClick={() => void dismiss(device, alert)}>
              {t('devices.dismiss')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function HowToConnect() {
  const { t } = useTranslation();
  const steps = ['step1', 'step2', 'step3', 'step4', 'step5', 'step6'] as const;
  return (
    <section className="card howto" aria-labelledby="howto-title">
      <h2 id="howto-title">{t('devices.howTo')}</h2>
      <p>{t('devices.howToIntro')}</p>
      <ol>
        {steps.map((step) => (
          <li key={step}>{t(`devices.${step}`)}</li>
        ))}
      </ol>
      <p>{t('devices.howToOutro')}</p>
    </section>
  );
}
