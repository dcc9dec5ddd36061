export * from './domain/index.js';
export { buildApp } from './app.js';
export type { AppOptions } from './app.js';
export { USAGE, parseCli } from './cli-args.js';
export { startServer, DEFAULT_PORT, DEFAULT_HOST, DEFAULT_DATA_DIR } from './main.js';
export type { RunningServer, ServerOptions, LogLevel } from './main.js';
export type { DemoData, Credentials } from './demo.js';
