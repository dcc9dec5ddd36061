import { CreateUserBody, IdParams, ListOf, UpdateUserBody, User } from '@kassa/contract';
import { Type } from 'typebox';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { unlockUser } from '../services/auth.js';
import { readUsers } from '../services/reads.js';
import { addUser, changeUser } from '../services/users.js';
import type { RouteDeps } from './deps.js';

export function registerUserRoutes(app: App, { ctx }: RouteDeps): void {
  app.get('/api/users', routeOptions('admin', 'users', 'List users and their roles', { response: { 200: ListOf(User), ...errorResponses() } }), async () => ({ items: await readUsers(ctx) }));
  app.post('/api/users', routeOptions('admin', 'users', 'Create a user (admin or cashier)', { body: CreateUserBody, response: { 201: User, ...errorResponses(409) } }), async (request, reply) =>
    reply.status(201).send(await addUser(ctx, request.body)),
  );
  app.patch(
    '/api/users/:id',
    routeOptions('admin', 'users', 'Change role, active flag or password; ends the user’s sessions; the last admin stays', {
      params: IdParams,
      body: UpdateUserBody,
      response: { 200: User, ...errorResponses(404, 409) },
    }),
    async (request) => changeUser(ctx, request.params.id, request.body),
  );
  app.post(
    '/api/users/:id/unlock',
    routeOptions('admin', 'users', 'Lift the user’s login lock after failed attempts (the username’s and its known devices’)', {
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses(404) },
    }),
    async (request, reply) => {
      await unlockUser(ctx, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
