#!/usr/bin/env node
// `npm run release`: builds everything and writes one installable tarball per published package to
// release/. The server's tarball carries the web build in its own web/ folder; every tarball
// carries the LICENSE. `npm install ./release/*.tgz` in an empty folder then gives working
// kassa-server, kassa-iotbox, kassa-terminal and kassa-tlv commands.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The published packages, in dependency order; web and chaos stay in the repository. */
export const RELEASED = ['protocol', 'contract', 'terminal-sim', 'iot-box', 'server'];

const USAGE = `Usage: npm run release [-- options]

Builds every package and writes its installable tarball to release/ (the server's with the web
app inside). Install them together, anywhere: npm install ./release/*.tgz

Options:
  --out DIR      where the tarballs go (default release/)
  --no-build     pack the current build as it is (npm run build must have run)
  -h, --help     this text`;

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: { out: { type: 'string' }, 'no-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

const npm = (args) => execFileSync('npm', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

/** Copies what a package ships beside its build (the LICENSE; for the server, the web build) and returns what to remove after packing. */
function stage() {
  const staged = [];
  const webDist = join(ROOT, 'packages/web/dist');
  if (!existsSync(join(webDist, 'index.html'))) fail('packages/web/dist has no index.html: run npm run build first');
  const serverWeb = join(ROOT, 'packages/server/web');
  rmSync(serverWeb, { recursive: true, force: true });
  cpSync(webDist, serverWeb, { recursive: true });
  staged.push(serverWeb);
  for (const pkg of RELEASED) {
    const license = join(ROOT, 'packages', pkg, 'LICENSE');
    if (existsSync(license)) continue;
    cpSync(join(ROOT, 'LICENSE'), license);
    staged.push(license);
  }
  return staged;
}

function main() {
  const flags = parse();
  if (flags.help) {
    console.log(USAGE);
    return;
  }
  const out = flags.out === undefined ? join(ROOT, 'release') : resolve(flags.out);
  if (flags['no-build'] !== true) npm(['run', 'build', '--silent']);
  for (const pkg of RELEASED) {
    if (!existsSync(join(ROOT, 'packages', pkg, 'dist/index.js'))) fail(`packages/${pkg}/dist is missing: run npm run build first`);
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const staged = stage();
  let packed;
  try {
    const workspaces = RELEASED.flatMap((pkg) => ['-w', JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8')).name]);
    packed = JSON.parse(npm(['pack', ...workspaces, '--pack-destination', out, '--json', '--ignore-scripts']));
  } finally {
    for (const path of staged) rmSync(path, { recursive: true, force: true });
  }
  for (const { name, version, filename, size, entryCount } of packed) {
    console.log(`${filename.padEnd(32)} ${name}@${version}, ${entryCount} files, ${Math.round(size / 1024)} kB`);
  }
  console.log(`\nInstall them together: npm install ${join(out, '*.tgz')}`);
}

main();
