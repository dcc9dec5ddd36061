import {
  Company,
  IdParams,
  Journal,
  JournalBody,
  ListOf,
  PaymentMethod,
  PaymentMethodBody,
  PosConfig,
  PosConfigBody,
  Product,
  ProductBody,
  UpdateCompanyBody,
} from '@kassa/contract';
import { Type } from 'typebox';
import { notFound } from '../domain/errors.js';
import { errorResponses } from '../http/errors.js';
import type { App } from '../http/types.js';
import { routeOptions } from '../http/types.js';
import { addJournal, changeCompany, changeJournal, savePaymentMethod, savePosConfig, saveProduct } from '../services/configuration.js';
import { readCompany, readJournals, readPaymentMethods, readPosConfig, readPosConfigs, readProducts } from '../services/reads.js';
import type { RouteDeps } from './deps.js';

export function registerConfigurationRoutes(app: App, { ctx }: RouteDeps): void {
  app.get(
    '/api/company',
    routeOptions('user', 'company', 'The company, its country, VAT rates and the Ingenico setting', { response: { 200: Company, ...errorResponses() } }),
    async () => readCompany(ctx),
  );
  app.patch(
    '/api/company',
    routeOptions('admin', 'company', 'Change the company; ingenicoEnabled is the setting "Payment terminals → Ingenico" (BE, NL, LU only)', {
      body: UpdateCompanyBody,
      response: { 200: Company, ...errorResponses(409, 422) },
    }),
    async (request) => changeCompany(ctx, request.body),
  );

  app.get('/api/journals', routeOptions('admin', 'journals', 'List journals', { response: { 200: ListOf(Journal), ...errorResponses() } }), async () => ({
    items: await readJournals(ctx),
  }));
  app.post(
    '/api/journals',
    routeOptions('admin', 'journals', "Create a journal (Bank or Cash); its name, trimmed, is not blank and not another journal's", {
      body: JournalBody,
      response: { 201: Journal, ...errorResponses(409, 422) },
    }),
    async (request, reply) => reply.status(201).send(await addJournal(ctx, request.body)),
  );
  app.put(
    '/api/journals/:id',
    routeOptions('admin', 'journals', 'Change a journal', {
      params: IdParams,
      body: JournalBody,
      response: { 200: Journal, ...errorResponses(404, 409, 422) },
    }),
    async (request) => {
      const journal = await changeJournal(ctx, request.params.id, request.body);
      if (journal === null) throw notFound('Journal', request.params.id);
      return journal;
    },
  );
  app.delete(
    '/api/journals/:id',
    routeOptions('admin', 'journals', 'Delete a journal no payment method uses', {
      params: IdParams,
      response: { 204: Type.Null(), ...errorResponses(404, 409) },
    }),
    async (request, reply) => {
      await changeJournal(ctx, request.params.id, 'deleted');
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/payment-methods',
    routeOptions('user', 'payment methods', 'List payment methods', { response: { 200: ListOf(PaymentMethod), ...errorResponses() } }),
    async () => ({ items: await readPaymentMethods(ctx) }),
  );
  app.post(
    '/api/payment-methods',
    routeOptions(
      'admin',
      'payment methods',
      "Create a payment method; its name, trimmed, is not blank and not another method's; a terminal method needs the Ingenico setting, a Bank journal and an Ingenico payment device no other method uses",
      {
        body: PaymentMethodBody,
        response: { 201: PaymentMethod, ...errorResponses(404, 409, 422) },
      },
    ),
    async (request, reply) => reply.status(201).send(await savePaymentMethod(ctx, null, request.body)),
  );
  app.put(
    '/api/payment-methods/:id',
    routeOptions('admin', 'payment methods', 'Change a payment method (same rules as creating one)', {
      params: IdParams,
      body: PaymentMethodBody,
      response: { 200: PaymentMethod, ...errorResponses(404, 409, 422) },
    }),
    async (request) => savePaymentMethod(ctx, request.params.id, request.body),
  );

  app.get(
    '/api/pos-configs',
    routeOptions('user', 'POS configurations', 'List POS configurations', { response: { 200: ListOf(PosConfig), ...errorResponses() } }),
    async () => ({ items: await readPosConfigs(ctx) }),
  );
  app.get(
    '/api/pos-configs/:id',
    routeOptions('user', 'POS configurations', 'Read a POS configuration', { params: IdParams, response: { 200: PosConfig, ...errorResponses(404) } }),
    async (request) => readPosConfig(ctx, request.params.id),
  );
  app.post(
    '/api/pos-configs',
    routeOptions(
      'admin',
      'POS configurations',
      "Create a POS configuration with at least one payment method; its name, trimmed, is not blank and not another POS configuration's",
      { body: PosConfigBody, response: { 201: PosConfig, ...errorResponses(404, 409, 422) } },
    ),
    async (request, reply) => reply.status(201).send(await savePosConfig(ctx, null, request.body)),
  );
  app.put(
    '/api/pos-configs/:id',
    routeOptions('admin', 'POS configurations', 'Change a POS configuration; a terminal method can be added only while its device exists', {
      params: IdParams,
      body: PosConfigBody,
      response: { 200: PosConfig, ...errorResponses(404, 409, 422) },
    }),
    async (request) => savePosConfig(ctx, request.params.id, request.body),
  );

  app.get(
    '/api/products',
    routeOptions('user', 'products', 'List products (prices in cents, VAT included)', { response: { 200: ListOf(Product), ...errorResponses() } }),
    async () => ({ items: await readProducts(ctx) }),
  );
  app.post(
    '/api/products',
    routeOptions(
      'admin',
      'products',
      "Create a product; the VAT rate must exist in the company country; its name, trimmed, is not blank and not another product's",
      { body: ProductBody, response: { 201: Product, ...errorResponses(409, 422) } },
    ),
    async (request, reply) => reply.status(201).send(await saveProduct(ctx, null, request.body)),
  );
  app.put(
    '/api/products/:id',
    routeOptions('admin', 'products', 'Change a product', {
      params: IdParams,
      body: ProductBody,
      response: { 200: Product, ...errorResponses(404, 409, 422) },
    }),
    async (request) => saveProduct(ctx, request.params.id, request.body),
  );
}
