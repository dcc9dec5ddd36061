export * from './api/index.js';
export * from './box/index.js';
