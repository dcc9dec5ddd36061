export {};
export * from './api/index.js';
