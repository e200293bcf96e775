import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** How the whole machine's CPU time was spent over a window, in % of all of it. */
export interface MachineCpu {
  /**
   * Time the hypervisor gave this VM's virtual CPUs to someone else while they had work: what a
   * noisy neighbour takes. Latencies measured while it is high are not the service's alone.
   */
  stealPercent: number;
  /** Everything but idle and iowait, steal included. */
  busyPercent: number;
  seconds: number;
}

interface CpuTicks {
  total: number;
  idle: number;
  steal: number;
}

/**
 * The aggregate line of /proc/stat: user nice system idle iowait irq softirq steal, then guest
 * and guest_nice, which user and nice already count. Null where there is no /proc (not Linux).
 */
function readCpuTicks(): CpuTicks | null {
  try {
    const line = /^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    const fields = (line ?? '').trim().split(/\s+/).slice(0, 8).map(Number);
    if (fields.length < 8 || fields.some((field) => !Number.isFinite(field))) return null;
    const [, , , idle = 0, iowait = 0, , , steal = 0] = fields;
    return {
      total: fields.reduce((sum, field) => sum + field, 0),
      idle: idle + iowait,
      steal,
    };
  } catch {
    return null;
  }
}

const percent = (part: number, whole: number) => Math.round((part / whole) * 1000) / 10;

/** The machine's CPU shares from now until stop(); null when /proc/stat cannot be read. */
export function watchMachineCpu(): { stop(): MachineCpu | null } {
  const start = readCpuTicks();
  const startedAt = performance.now();
  return {
    stop() {
      const end = readCpuTicks();
      if (!start || !end) return null;
      const total = end.total - start.total;
      if (total <= 0) return null;
      return {
        stealPercent: percent(end.steal - start.steal, total),
        busyPercent: percent(total - (end.idle - start.idle), total),
        seconds: Math.round((performance.now() - startedAt) / 100) / 10,
      };
    },
  };
}

/** "CPU steal 16%, machine busy 85%"; one decimal under 10%. */
export function describeMachineCpu(cpu: MachineCpu): string {
  const figure = (value: number) => (value < 10 ? String(value) : value.toFixed(0));
  return `CPU steal ${figure(cpu.stealPercent)}%, machine busy ${figure(cpu.busyPercent)}%`;
}

/** Runs one scenario or baseline, and notes the machine's CPU from its start to its end. */
export async function withMachineCpu<T>(
  name: string,
  work: () => Promise<T>,
  log: (line: string) => void,
): Promise<T & { machineCpu: MachineCpu | null }> {
  log(name);
  const watch = watchMachineCpu();
  const result = await work();
  const machineCpu = watch.stop();
  if (machineCpu) log(`  ${name}: ${describeMachineCpu(machineCpu)}, over ${machineCpu.seconds} s`);
  return { ...result, machineCpu };
}
