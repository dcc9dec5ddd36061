// A box and an emulated Lane/5000 (approve scenario) that dials it: what `npm start` shows a newcomer.
// Run after a build: `node packages/iot-box/scripts/demo.js` (or `npm run demo -w @kassa/iot-box`).
// KASSA_BOX_* variables apply as for kassa-iotbox (KASSA_BOX_SERVER to report to a running server).
import { startTerminal } from '@kassa/terminal-sim';
import { parseConfig, startBox } from '../dist/index.js';

const parsed = parseConfig(process.argv.slice(2), process.env);
if (parsed.kind === 'help') {
  console.log('Usage: node packages/iot-box/scripts/demo.js [kassa-iotbox options]');
  process.exit(0);
}
const { config } = parsed;
const box = await startBox({ ...config, logLevel: config.logLevel });
const dialHost = box.listenAddress.host === '0.0.0.0' || box.listenAddress.host === '::' ? '127.0.0.1' : box.listenAddress.host;
const terminal = startTerminal({ box: `${dialHost}:${box.listenAddress.port}`, terminalId: '12345678', model: 'lane5000', scenario: 'approve' });
await terminal.ready();
const status = box.httpAddress ? `http://${box.httpAddress.host}:${box.httpAddress.port}/status` : '(no --http)';
console.log(`\nkassa IoT box ${box.boxId} on port ${box.listenAddress.port}; emulated Lane/5000 12345678 connected.\nStatus: ${status}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await terminal.close();
  await box.close();
  process.exit(0);
}
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
