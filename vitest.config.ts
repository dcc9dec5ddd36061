import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests run against the TypeScript sources of every package, so `npm test` needs no build.
export default defineConfig({
  resolve: {
    alias: {
      '@kassa/protocol': src('protocol'),
      '@kassa/contract': src('contract'),
      '@kassa/terminal-sim': src('terminal-sim'),
      '@kassa/iot-box': src('iot-box'),
      '@kassa/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
