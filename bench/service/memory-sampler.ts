import { readFileSync, writeFileSync } from 'node:fs';

export interface MemoryPeak {
  /** The highest VmRSS seen, sampling every `intervalMs`. */
  sampledPeakMb: number;
  /** The kernel's own peak (VmHWM) at the end of the window: nothing escapes it between samples. */
  hwmMb: number;
  /** False when the kernel's peak could not be reset, so hwmMb covers the process's whole life. */
  hwmCoversWindowOnly: boolean;
  samples: number;
}

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0, own processes). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Watches one process's resident memory from now until stop(): the peak of its samples and the
 * kernel's high-water mark over the same window.
 */
export function sampleMemory(pid: number, intervalMs = 100): { stop(): MemoryPeak } {
  const reset = resetPeak(pid);
  let peakKb = statusKb(pid, 'VmRSS') ?? 0;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = statusKb(pid, 'VmRSS');
    if (rss === null) return;
    peakKb = Math.max(peakKb, rss);
    samples += 1;
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const hwm = statusKb(pid, 'VmHWM') ?? peakKb;
      return {
        sampledPeakMb: mb(peakKb),
        hwmMb: mb(Math.max(hwm, peakKb)),
        hwmCoversWindowOnly: reset,
        samples,
      };
    },
  };
}
