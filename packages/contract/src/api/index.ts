// The HTTP API's request and response schemas (TypeBox / JSON Schema), shared by the server, the web app and other POS.
export * from './common.js';
export * from './errors.js';
export * from './auth.js';
export * from './configuration.js';
export * from './sales.js';
export * from './payment-states.js';
export * from './payments.js';
export * from './refunds.js';
export * from './events.js';
