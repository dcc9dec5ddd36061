import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every architecture it runs kassa on. */
const TICK_MS = 10;

/** CPU time (user and system) of each part of the chain, in milliseconds. */
export interface CpuTimes {
  /** This process: the server's services and uplink, and the bench driver that calls them. */
  readonly server: number;
  readonly box: number;
  readonly terminals: number;
  /** Every PostgreSQL process of the machine (backends, WAL writer, checkpointer, autovacuum). */
  readonly postgres: number;
}

/** A reading of the chain's CPU times; PostgreSQL's by process, as backends come and go. */
export interface CpuReading extends Omit<CpuTimes, 'postgres'> {
  readonly postgres: ReadonlyMap<string, number>;
}

/** User plus system time of a process from /proc, in ms; null where there is no /proc or no such process. */
function procCpuMs(pid: number | string): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return null;
  }
}

function postgresCpuMs(): Map<string, number> {
  const times = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const program = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0', 1)[0] ?? '';
      // Backends rename themselves "postgres: …"; the server process keeps its path.
      if (!program.startsWith('postgres:') && !program.endsWith('/postgres')) continue;
    } catch {
      continue;
    }
    const ms = procCpuMs(pid);
    if (ms !== null) times.set(pid, ms);
  }
  return times;
}

/** The CPU times of the chain now; null where the machine has no /proc (the figures are then left out). */
export function cpuTimes(pids: { box: number | undefined; terminals: number | undefined }): CpuReading | null {
  const box = pids.box === undefined ? null : procCpuMs(pids.box);
  const terminals = pids.terminals === undefined ? null : procCpuMs(pids.terminals);
  if (box === null || terminals === null) return null;
  const own = process.cpuUsage();
  return { server: (own.user + own.system) / 1000, box, terminals, postgres: postgresCpuMs() };
}

/**
 * CPU time per payment of each part between two readings. A PostgreSQL process that started
 * meanwhile counts from zero; one that ended meanwhile is not counted (its last ticks are lost).
 */
export function perPayment(before: CpuReading, after: CpuReading, payments: number): CpuTimes {
  let postgres = 0;
  for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres.get(pid) ?? 0);
  const of = (part: 'server' | 'box' | 'terminals'): number => (after[part] - before[part]) / payments;
  return { server: of('server'), box: of('box'), terminals: of('terminals'), postgres: postgres / payments };
}
