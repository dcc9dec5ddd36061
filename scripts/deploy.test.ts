// The deployment files under deploy/: the systemd units pass `systemd-analyze verify` and keep
// their sandbox; the nginx example proxies the paths the server really has.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BOX_UPLINK_PATH } from '@kassa/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { USAGE as SERVER_USAGE } from '../packages/server/src/cli-args.js';

const DEPLOY = fileURLToPath(new URL('../deploy/', import.meta.url));
const INSTALLED_BIN = '/opt/kassa/node_modules/.bin';

function hasSystemdAnalyze(): boolean {
  return spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' }).status === 0;
}

const SANDBOX = [
  'DynamicUser=yes',
  'UMask=0077',
  'Restart=on-failure',
  'ProtectSystem=strict',
  'ProtectHome=yes',
  'PrivateTmp=yes',
  'PrivateDevices=yes',
  'NoNewPrivileges=yes',
  'CapabilityBoundingSet=',
  'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
  'SystemCallFilter=@system-service',
  'RestrictNamespaces=yes',
  'LockPersonality=yes',
];

describe('deploy/systemd', () => {
  const work = mkdtempSync(join(tmpdir(), 'kassa-units-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const units = [
    { name: 'kassa-server', bin: 'kassa-server', state: 'kassa', env: '/etc/kassa/server.env' },
    { name: 'kassa-iotbox', bin: 'kassa-iotbox', state: 'kassa-iotbox', env: '/etc/kassa/iotbox.env' },
  ];
  for (const unit of units) {
    const text = readFileSync(join(DEPLOY, 'systemd', `${unit.name}.service`), 'utf8');
    const lines = new Set(text.split('\n').map((line) => line.trim()));

    it(`${unit.name}.service runs the installed bin as a dynamic user in its sandbox, with its state directory and environment file`, () => {
      expect(lines).toContain(`ExecStart=${INSTALLED_BIN}/${unit.bin}`);
      expect(lines).toContain(`StateDirectory=${unit.state}`);
      expect(lines).toContain(`EnvironmentFile=-${unit.env}`);
      for (const line of SANDBOX) expect(lines, line).toContain(line);
    });

    it(`${unit.name}.service passes systemd-analyze verify without a warning`, () => {
      // CI installs systemd-analyze (.ci/run); a machine without systemd checks the lines above only.
      if (!hasSystemdAnalyze()) {
        expect(process.env['CI'], 'systemd-analyze is missing (apt-get install systemd)').toBeUndefined();
        return;
      }
      // verify checks that ExecStart exists: point it at a stand-in for the installed command.
      const bin = join(work, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, unit.bin), '#!/bin/sh\n');
      chmodSync(join(bin, unit.bin), 0o755);
      const copy = join(work, `${unit.name}.service`);
      writeFileSync(copy, text.replaceAll(INSTALLED_BIN, bin));
      const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
      expect(result.status, result.stderr).toBe(0);
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    });
  }

  it('the check finds a mistake: systemd-analyze warns about an unknown key', () => {
    if (!hasSystemdAnalyze()) return;
    const copy = join(work, 'broken.service');
    writeFileSync(copy, '[Service]\nExecStart=/bin/true\nProtectSystm=strict\n');
    const result = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toContain("Unknown key 'ProtectSystm'");
  });
});

describe('deploy/nginx/kassa.conf', () => {
  const text = readFileSync(join(DEPLOY, 'nginx', 'kassa.conf'), 'utf8');
  const block = (location: string): string => {
    const start = text.indexOf(`location = ${location} {`);
    expect(start, `location = ${location}`).toBeGreaterThan(-1);
    return text.slice(start, text.indexOf('}', start));
  };

  it('serves TLS and sends plain HTTP there', () => {
    expect(text).toMatch(/listen 443 ssl;/);
    expect(text).toMatch(/ssl_certificate\s+\S+;/);
    expect(text).toMatch(/return 301 https:\/\/\$host\$request_uri;/);
  });

  it('streams the live events unbuffered', () => {
    expect(block('/api/events')).toContain('proxy_buffering off;');
  });

  it("upgrades the boxes' uplink path to a WebSocket", () => {
    const uplink = block(BOX_UPLINK_PATH);
    expect(uplink).toContain('proxy_set_header Upgrade    $http_upgrade;');
    expect(uplink).toContain('proxy_set_header Connection "upgrade";');
  });

  it('tells the server the client address and scheme, and names the matching server settings', () => {
    expect(text).toContain('X-Forwarded-For');
    expect(text).toContain('X-Forwarded-Proto');
    for (const setting of ['KASSA_PUBLIC_URL', 'KASSA_TRUST_PROXY', '--public-url', '--trust-proxy']) {
      expect(text).toContain(setting);
      expect(SERVER_USAGE, `the server has ${setting}`).toContain(setting);
    }
  });
});
