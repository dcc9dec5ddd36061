#!/usr/bin/env node
// `npm start`: the whole product on one machine — the server on its embedded database (or
// DATABASE_URL), a box paired to it, and an emulated Lane/5000 that dials the box.
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm start [-- options]

Runs the kassa server with demo data, an IoT box paired to it and an emulated Lane/5000.

Options (each also as an environment variable):
  --data DIR          where the embedded database, the box journal and the demo secrets live
                      (KASSA_DATA, default ./data)
  --port N            the server's HTTP port (PORT, default 8080)
  --box-listen H:P    where the box takes terminals (KASSA_BOX_LISTEN, default 0.0.0.0:9000)
  --box-http H:P      the box's /status page (KASSA_BOX_HTTP, default 127.0.0.1:9080)
  --scenario NAME     how the emulated terminal answers (default amount-rule)
  --no-terminal       the server alone: no box, no emulated terminal
  --log-level LEVEL   fatal, error, warn, info, debug (default warn)
  -h, --help          this text

DATABASE_URL selects a PostgreSQL server instead of the embedded database.`;

function fail(message) {
  console.error(`npm start: ${message}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        data: { type: 'string' },
        port: { type: 'string' },
        'box-listen': { type: 'string' },
        'box-http': { type: 'string' },
        scenario: { type: 'string' },
        'no-terminal': { type: 'boolean' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const flags = parse();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

const dataDir = resolve(flags.data ?? process.env.KASSA_DATA ?? './data');
const portText = flags.port ?? process.env.PORT ?? '8080';
if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail(`--port must be a TCP port (0-65535), got "${portText}"`);
const logLevel = flags['log-level'] ?? 'warn';
if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel))
  fail(`--log-level must be fatal, error, warn, info, debug, trace or silent, got "${logLevel}"`);
const withTerminal = flags['no-terminal'] !== true;

const { startServer } = await import('@kassa/server');
const { startBox } = await import('@kassa/iot-box');
const { startTerminal, isScenarioName, SCENARIOS } = await import('@kassa/terminal-sim');

const scenario = flags.scenario ?? 'amount-rule';
if (!isScenarioName(scenario)) fail(`--scenario must be one of ${SCENARIOS.join(', ')}, got "${scenario}"`);

const stops = [];
async function stopAll(code) {
  for (const stop of stops.reverse()) {
    try {
      await stop();
    } catch (error) {
      console.error(`npm start: while stopping: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));

try {
  const server = await startServer({
    port: Number(portText),
    dataDir,
    ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
    demo: true,
    logLevel,
  });
  stops.push(() => server.close());
  const demo = server.demo;
  const lines = [
    '',
    `kassa is running at ${server.url}`,
    `  database: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded, under ${dataDir}`}`,
    `  admin:    ${demo.admin.username} / ${demo.admin.password}`,
    `  cashier:  ${demo.cashier.username} / ${demo.cashier.password}`,
    `  API:      ${server.url}/api/openapi.json`,
  ];

  if (withTerminal) {
    const box = await startBox({
      listen: flags['box-listen'] ?? process.env.KASSA_BOX_LISTEN ?? '0.0.0.0:9000',
      http: flags['box-http'] ?? process.env.KASSA_BOX_HTTP ?? '127.0.0.1:9080',
      server: server.url,
      token: demo.boxToken,
      dataDir: join(dataDir, 'iot-box'),
      logLevel,
    });
    stops.push(() => box.close());
    const terminalPort = box.listenAddress.port;
    const terminal = startTerminal({
      box: { host: '127.0.0.1', port: terminalPort },
      terminalId: demo.terminalId,
      model: 'lane5000',
      scenario,
      language: 'nl',
    });
    stops.push(() => terminal.close());
    await terminal.ready();
    const status =
      box.httpAddress === null ? null : `http://${box.httpAddress.host === '0.0.0.0' ? '127.0.0.1' : box.httpAddress.host}:${box.httpAddress.port}/status`;
    lines.push(
      `  box:      terminals dial port ${terminalPort}${status === null ? '' : `; status at ${status}`}`,
      `  terminal: emulated Lane/5000 ${demo.terminalId}, scenario ${scenario}` +
        (scenario === 'amount-rule' ? ' (cents ending 01 declined, 02 stopped, 03 technical problem, others approved)' : ''),
    );
  } else {
    lines.push('  box:      not started (--no-terminal)');
  }
  lines.push('', 'Press Ctrl+C to stop.', '');
  console.log(lines.join('\n'));
} catch (error) {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
