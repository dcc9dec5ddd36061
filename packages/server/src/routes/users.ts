import { CreateUserBody, IdParams, ListOf, SetOwnPinBody, UpdateUserBody, User } from '@kassa/contract';
import { Type } from 'typebox';
import { userOf } from '../http/auth-plugin.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { unlockUser } from '../services/auth.js';
import { readUsers } from '../services/reads.js';
import { addUser, changeUser, setOwnPin } from '../services/users.js';
import type { RouteDeps } from './deps.js';

export function registerUserRoutes(app: App, { ctx }: RouteDeps): void {
  app.get('/api/users', routeOptions('admin', 'users', 'List users and their roles', { response: { 200: ListOf(User), ...errorResponses() } }), async () => ({
    items: await readUsers(ctx),
  }));
  app.post(
    '/api/users',
    routeOptions(
      'admin',
      'users',
      'Create a user: admin (configuration and every override), manager (overrides at the till, selling on any POS) or cashier (selling on its own POS); an optional approval PIN of 4 to 8 digits',
      { body: CreateUserBody, response: { 201: User, ...errorResponses(409) } },
    ),
    async (request, reply) => reply.status(201).send(await addUser(ctx, request.body)),
  );
  app.patch(
    '/api/users/:id',
    routeOptions('admin', 'users', 'Change role, active flag, password or approval PIN (null removes it); ends the user’s sessions; the last admin stays', {
      params: IdParams,
      body: UpdateUserBody,
      response: { 200: User, ...errorResponses(404, 409) },
    }),
    async (request) => changeUser(ctx, request.params.id, request.body),
  );
  app.put(
    '/api/users/me/pin',
    routeOptions(
      'user',
      'users',
      'A manager or admin sets (null: removes) their own approval PIN, confirming with their current password (403 KASSA_FORBIDDEN for a cashier or a wrong password)',
      {
        body: SetOwnPinBody,
        response: { 200: User, ...errorResponses() },
      },
    ),
    async (request) => setOwnPin(ctx, userOf(request).id, request.body),
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
