import { Box, BoxCredentials, Device, ListOf, PairBoxBody, PairedBox, PairingCode, PairWithCodeBody, UuidIdParams } from '@kassa/contract';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { pairBox, revokePairedBox } from '../services/boxes.js';
import { createPairingCode, pairWithCode } from '../services/pairing-codes.js';
import { readBoxes, readDevices } from '../services/reads.js';
import type { RouteDeps } from './deps.js';

export function registerBoxRoutes(app: App, { ctx, pairingLimit }: RouteDeps): void {
  app.get('/api/boxes', routeOptions('admin', 'IoT boxes', 'List paired boxes with their online state', { response: { 200: ListOf(Box), ...errorResponses() } }), async () => ({ items: await readBoxes(ctx) }));
  app.post(
    '/api/boxes',
    routeOptions('admin', 'IoT boxes', 'Pair a box: returns its token once, and the kassa-iotbox command to run on it', { body: PairBoxBody, response: { 201: PairedBox, ...errorResponses() } }),
    async (request, reply) => reply.status(201).send(await pairBox(ctx, request.body.name)),
  );
  app.post(
    '/api/boxes/pairing-codes',
    routeOptions('admin', 'IoT boxes', 'Pair a box by code: a six-digit code, valid ten minutes and once, and the kassa-iotbox pair command to type on the box', {
      body: PairBoxBody,
      response: { 201: PairingCode, ...errorResponses(409) },
    }),
    async (request, reply) => reply.status(201).send(await createPairingCode(ctx, request.body.name)),
  );
  const pairOptions = routeOptions('public', 'IoT boxes', 'A box exchanges a pairing code for its id and token (once); wrong, expired and used codes are refused, and tries are limited per address', {
    body: PairWithCodeBody,
    response: { 201: BoxCredentials, ...errorResponses(422) },
  });
  app.post('/api/boxes/pair', { ...pairOptions, config: { ...pairOptions.config, rateLimit: { max: pairingLimit.max, timeWindow: pairingLimit.windowMs } } }, async (request, reply) =>
    reply.status(201).send(await pairWithCode(ctx, request.body.code)),
  );
  app.post(
    '/api/boxes/:id/revoke',
    routeOptions('admin', 'IoT boxes', 'Revoke a box: its token stops working and its devices leave the configuration', { params: UuidIdParams, response: { 200: Box, ...errorResponses(404) } }),
    async (request) => revokePairedBox(ctx, request.params.id),
  );
  app.get('/api/devices', routeOptions('user', 'devices', 'List the devices paired boxes reported, with online state and last seen', { response: { 200: ListOf(Device), ...errorResponses() } }), async () => ({
    items: await readDevices(ctx),
  }));
}
