import type { Box, Device } from '@kassa/contract';
import { useTranslation } from 'react-i18next';
import { boxes, devices } from '../api/endpoints';
import { useLiveEvents } from '../api/live';
import { DataTable, LoadState, OnlineBadge, Page } from '../ui/components';
import { useDateTime, useLoad } from '../ui/hooks';

function deviceOf(data: unknown): Device | null {
  if (typeof data !== 'object' || data === null) return null;
  const device = (data as { device?: unknown }).device;
  if (typeof device !== 'object' || device === null) return null;
  const d = device as Partial<Device>;
  return typeof d.id === 'number' && typeof d.terminalId === 'string' && typeof d.boxId === 'string' ? (device as Device) : null;
}

export function DevicesPage() {
  const { t } = useTranslation();
  const loaded = useLoad(async () => {
    const [deviceList, boxList] = await Promise.all([devices.list(), boxes.list()]);
    return { devices: deviceList, boxes: boxList };
  });
  const reload = () => void loaded.reload();
  useLiveEvents(
    'device',
    (event) => {
      const device = deviceOf(event.data);
      if (device === null) return reload();
      loaded.setData((previous) => {
        if (previous === undefined) return previous;
        const known = previous.devices.some((d) => d.id === device.id);
        if (!known && !previous.boxes.some((b) => b.id === device.boxId)) reload();
        return { ...previous, devices: known ? previous.devices.map((d) => (d.id === device.id ? device : d)) : [...previous.devices, device] };
      });
    },
    reload,
  );
  useLiveEvents('box', reload);

  return (
    <Page title={t('devices.title')}>
      <p className="help">{t('devices.liveHint')}</p>
      <LoadState loaded={loaded}>{(data) => <DeviceTable devices={data.devices} boxes={data.boxes} />}</LoadState>
      <HowToConnect />
    </Page>
  );
}

function DeviceTable({ devices: list, boxes: boxList }: { devices: Device[]; boxes: Box[] }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  if (list.length === 0) return <p>{t('devices.empty')}</p>;
  return (
    <DataTable label={t('devices.title')} columns={[t('devices.terminalId'), t('devices.model'), t('devices.make'), t('devices.type'), t('devices.box'), t('devices.state'), t('devices.lastSeen')]}>
      {list.map((device) => (
        <tr key={device.id}>
          <th scope="row">{device.terminalId}</th>
          <td>{device.model}</td>
          <td>{device.make}</td>
          <td>{device.type}</td>
          <td>{boxList.find((b) => b.id === device.boxId)?.name ?? device.boxId}</td>
          <td>
            <OnlineBadge online={device.online} />
          </td>
          <td>{device.lastSeenAt === null ? t('boxes.never') : dateTime(device.lastSeenAt)}</td>
        </tr>
      ))}
    </DataTable>
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
