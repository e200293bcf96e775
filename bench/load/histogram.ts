import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram };

/** Values are recorded in microseconds, from 1 µs to an hour, to 3 significant digits. */
export function latencyHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

const ms = (micros: number) => Math.round(micros) / 1000;

/** Milliseconds, rounded to the microsecond. */
export function summarize(histogram: Histogram): LatencySummary {
  const empty = histogram.totalCount === 0;
  const at = (percentile: number) => (empty ? 0 : ms(histogram.getValueAtPercentile(percentile)));
  return {
    count: histogram.totalCount,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    p999: at(99.9),
    max: empty ? 0 : ms(histogram.maxValue),
    mean: empty ? 0 : ms(histogram.mean),
  };
}

/** Three significant digits, in ms below a second and in s above. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number(ms.toPrecision(3))} ms`;
}

export interface CurvePoint {
  percentile: number;
  ms: number;
}

/**
 * The usual HDR percentile plot: x = log10(1 / (1 - p)), so 90, 99, 99.9 and 99.99 are evenly
 * spaced. Twenty points per decade, from the 0th percentile to the 99.99th.
 */
export function percentileCurve(histogram: Histogram): CurvePoint[] {
  if (histogram.totalCount === 0) return [];
  const points: CurvePoint[] = [];
  for (let step = 0; step <= 80; step += 1) {
    const percentile = 100 * (1 - 10 ** (-step / 20));
    points.push({
      percentile: Math.round(percentile * 10_000) / 10_000,
      ms: ms(histogram.getValueAtPercentile(percentile)),
    });
  }
  return points;
}

/** The whole histogram, compressed, so that any other percentile can be read later. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}
