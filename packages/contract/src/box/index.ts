// The box ⇄ server messages: types plus runtime validation, shared by the box and the server.
export * from './version.js';
export * from './schemas.js';
export * from './commands.js';
export * from './events.js';
export * from './messages.js';
export * from './validate.js';
export * from './transaction-id.js';
