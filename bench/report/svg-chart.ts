import { formatMs, type CurvePoint } from '../load/histogram';

export interface ChartLine {
  label: string;
  curve: CurvePoint[];
  dashed?: boolean;
}

export interface LatencyChart {
  title: string;
  subtitle: string;
  lines: ChartLine[];
  target?: { ms: number; label: string };
}

const WIDTH = 800;
const LEGEND_TOP = 70;
const LEGEND_ROW = 18;
const PLOT_HEIGHT = 320;
const COLOURS = ['#1f6fb4', '#d9480f', '#2b8a3e', '#7048e8'];
const PERCENTILE_TICKS = [0, 50, 90, 99, 99.9, 99.99];
const MAX_X = 4; // log10(1 / (1 - 0.9999))

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The HDR percentile axis: 90, 99, 99.9, 99.99 evenly spaced. */
const percentileX = (percentile: number) =>
  Math.min(MAX_X, Math.log10(1 / Math.max(1e-4, 1 - percentile / 100)));

/**
 * Latency (log y) against percentile (x on the usual HDR log scale, 0 to 99.99), one line per
 * endpoint, the target as a horizontal line. Plain SVG, drawn by hand.
 */
export function latencyChartSvg(chart: LatencyChart): string {
  // The legend sits above the plot, where it can never hide a line.
  const top = LEGEND_TOP + chart.lines.length * LEGEND_ROW + 10;
  const PLOT = { left: 80, right: 770, top, bottom: top + PLOT_HEIGHT };
  const HEIGHT = PLOT.bottom + 60;
  const values = chart.lines.flatMap((line) => line.curve.map((point) => point.ms));
  if (chart.target) values.push(chart.target.ms);
  const positive = values.filter((v) => v > 0);
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive, 1) * 1.05));
  const x = (percentile: number) =>
    PLOT.left + (percentileX(percentile) / MAX_X) * (PLOT.right - PLOT.left);
  const y = (ms: number) =>
    PLOT.bottom -
    ((Math.log10(Math.max(ms, low)) - Math.log10(low)) / Math.log10(high / low)) *
      (PLOT.bottom - PLOT.top);
  const out: string[] = [];
  const text = (tx: number, ty: number, content: string, attributes = '') =>
    out.push(
      `<text x="${tx.toFixed(1)}" y="${ty.toFixed(1)}" ${attributes}>${escape(content)}</text>`,
    );

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
  );
  text(PLOT.left, 26, chart.title, 'font-size="16" font-weight="bold"');
  text(PLOT.left, 46, chart.subtitle, 'fill="#555555"');

  for (let decade = low; decade <= high; decade *= 10) {
    for (const multiple of [1, 2, 5]) {
      const ms = decade * multiple;
      if (ms > high) break;
      const major = multiple === 1;
      out.push(
        `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${y(ms).toFixed(1)}" y2="${y(ms).toFixed(1)}" stroke="${major ? '#cccccc' : '#eeeeee'}"/>`,
      );
      text(
        PLOT.left - 8,
        y(ms) + 4,
        formatMs(ms),
        `text-anchor="end" fill="${major ? '#333333' : '#888888'}"`,
      );
    }
  }
  for (const percentile of PERCENTILE_TICKS) {
    out.push(
      `<line x1="${x(percentile).toFixed(1)}" x2="${x(percentile).toFixed(1)}" y1="${PLOT.top}" y2="${PLOT.bottom}" stroke="#dddddd"/>`,
    );
    text(x(percentile), PLOT.bottom + 18, `${percentile}%`, 'text-anchor="middle" fill="#333333"');
  }
  out.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT.right - PLOT.left}" height="${PLOT.bottom - PLOT.top}" fill="none" stroke="#999999"/>`,
  );
  text(
    (PLOT.left + PLOT.right) / 2,
    PLOT.bottom + 44,
    'percentile (HDR scale: 90, 99, 99.9, 99.99 evenly spaced)',
    'text-anchor="middle"',
  );
  text(
    20,
    (PLOT.top + PLOT.bottom) / 2,
    'latency from scheduled send (log scale)',
    `text-anchor="middle" transform="rotate(-90 20 ${(PLOT.top + PLOT.bottom) / 2})"`,
  );

  if (chart.target) {
    const ty = y(chart.target.ms).toFixed(1);
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.right}" y1="${ty}" y2="${ty}" stroke="#c92a2a" stroke-width="1.5" stroke-dasharray="8 4"/>`,
    );
    text(PLOT.right - 6, Number(ty) - 6, chart.target.label, 'text-anchor="end" fill="#c92a2a"');
  }

  chart.lines.forEach((line, index) => {
    const colour = COLOURS[index % COLOURS.length] as string;
    const points = line.curve
      .map((point) => `${x(point.percentile).toFixed(1)},${y(point.ms).toFixed(1)}`)
      .join(' ');
    out.push(
      `<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"${line.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    const ly = LEGEND_TOP + index * LEGEND_ROW + 4;
    out.push(
      `<line x1="${PLOT.left}" x2="${PLOT.left + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${line.dashed ? ' stroke-dasharray="5 4"' : ''}/>`,
    );
    text(PLOT.left + 34, ly, line.label, 'fill="#222222"');
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
