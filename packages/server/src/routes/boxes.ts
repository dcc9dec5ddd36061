import {
  Box,
  BoxCredentials,
  Device,
  DeviceAlertParams,
  IdParams,
  ListOf,
  PairBoxBody,
  PairedBox,
  PairingCode,
  PairWithCodeBody,
  UuidIdParams,
} from '@kassa/contract';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { pairBox, revokePairedBox } from '../services/boxes.js';
import { createPairingCode, pairWithCode } from '../services/pairing-codes.js';
import { approveTerminal, dismissDeviceAlert, removeTerminal } from '../services/devices.js';
import { readBoxes, readDevices } from '../services/reads.js';
import type { RouteDeps } from './deps.js';

export function registerBoxRoutes(app: App, { ctx, pairingLimit }: RouteDeps): void {
  app.get(
    '/api/boxes',
    routeOptions('admin', 'IoT boxes', 'List paired boxes with their online state', { response: { 200: ListOf(Box), ...errorResponses() } }),
    async () => ({ items: await readBoxes(ctx) }),
  );
  app.post(
    '/api/boxes',
    routeOptions('admin', 'IoT boxes', 'Pair a box: returns its token once, and the kassa-iotbox command to run on it', {
      body: PairBoxBody,
      response: { 201: PairedBox, ...errorResponses() },
    }),
    async (request, reply) => reply.status(201).send(await pairBox(ctx, request.body.name)),
  );
  app.post(
    '/api/boxes/pairing-codes',
    routeOptions(
      'admin',
      'IoT boxes',
      'Pair a box by code: a six-digit code, valid ten minutes and once, and the kassa-iotbox pair command to type on the box',
      {
        body: PairBoxBody,
        response: { 201: PairingCode, ...errorResponses('KASSA_CONFLICT') },
      },
    ),
    async (request, reply) => reply.status(201).send(await createPairingCode(ctx, request.body.name)),
  );
  const pairOptions = routeOptions(
    'public',
    'IoT boxes',
    'A box exchanges a pairing code for its id and token (once); wrong, expired and used codes are refused, and tries are limited per address',
    {
      body: PairWithCodeBody,
      response: { 201: BoxCredentials, ...errorResponses('KASSA_PAIRING_CODE') },
    },
  );
  app.post(
    '/api/boxes/pair',
    { ...pairOptions, config: { ...pairOptions.config, rateLimit: { max: pairingLimit.max, timeWindow: pairingLimit.windowMs } } },
    async (request, reply) => reply.status(201).send(await pairWithCode(ctx, request.body.code)),
  );
  app.post(
    '/api/boxes/:id/revoke',
    routeOptions('admin', 'IoT boxes', 'Revoke a box: its token stops working and its devices leave the configuration', {
      params: UuidIdParams,
      response: { 200: Box, ...errorResponses(404) },
    }),
    async (request) => revokePairedBox(ctx, request.params.id),
  );
  app.get(
    '/api/devices',
    routeOptions(
      'user',
      'devices',
      'List the devices paired boxes reported: online state, last seen, approval (new, approved, quarantined), serial number, address, open alerts',
      {
        response: { 200: ListOf(Device), ...errorResponses() },
      },
    ),
    async () => ({ items: await readDevices(ctx) }),
  );
  app.post(
    '/api/devices/:id/approve',
    routeOptions(
      'admin',
      'devices',
      'Approve a terminal as it is now (new, or quarantined after a change): its reported serial number and address become the approved ones',
      {
        params: IdParams,
        response: { 200: Device, ...errorResponses(404) },
      },
    ),
    async (request) => approveTerminal(ctx, request.params.id, userOf(request).id),
  );
  app.post(
    '/api/devices/:id/remove',
    routeOptions('admin', 'devices', 'Remove a device (e.g. the old row of a TerminalId now on another box); it comes back new if its box reports it again', {
      params: IdParams,
      response: { 200: Device, ...errorResponses(404) },
    }),
    async (request) => removeTerminal(ctx, request.params.id),
  );
  app.post(
    '/api/devices/:id/alerts/:alertId/dismiss',
    routeOptions('admin', 'devices', 'Dismiss an alert of a device (e.g. an impostor its box refused)', {
      params: DeviceAlertParams,
      response: { 200: Device, ...errorResponses(404, 409) },
    }),
    async (request) => dismissDeviceAlert(ctx, request.params.id, request.params.alertId, userOf(request).id),
  );
}
