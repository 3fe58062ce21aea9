import { OPERATIONS, OPERATION_TITLES } from './contenders/types';
import type { OverheadCell } from './overhead';

const COLORS = ['#9e9e9e', '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];
const WIDTH = 1040;
const HEIGHT = 440;
const PLOT = { left: 56, right: 16, top: 70, bottom: 60 };

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function text(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attributes}>${escape(content)}</text>`;
}

/** A grouped bar chart of ratio to raw SDK per operation and library, as a standalone SVG document. */
export function overheadChart(cells: readonly OverheadCell[], contenders: readonly string[], subtitle: string): string {
  const top = Math.max(1.2, ...cells.map((cell) => cell.medianRatio));
  const yMax = Math.ceil(top * 4) / 4;
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const y = (ratio: number): number => PLOT.top + plotHeight * (1 - ratio / yMax);
  const groupWidth = plotWidth / OPERATIONS.length;
  const barWidth = (groupWidth * 0.8) / contenders.length;
  const parts: string[] = [];
  for (let tick = 0; tick <= yMax + 1e-9; tick += 0.25) {
    parts.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e0e0e0"/>`);
    parts.push(text(PLOT.left - 6, y(tick) + 4, tick.toFixed(2), 'text-anchor="end" font-size="11" fill="#555"'));
  }
  OPERATIONS.forEach((operation, g) => {
    const groupLeft = PLOT.left + g * groupWidth + groupWidth * 0.1;
    contenders.forEach((name, c) => {
      const cell = cells.find((candidate) => candidate.contender === name && candidate.operation === operation);
      if (!cell) return;
      const x = groupLeft + c * barWidth;
      const barTop = y(cell.medianRatio);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${barTop.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(y(0) - barTop).toFixed(1)}" fill="${COLORS[c % COLORS.length]}"><title>${escape(`${name}, ${operation}: ${cell.medianRatio}x raw, ${cell.medianOpsPerSec} ops/s`)}</title></rect>`,
      );
      parts.push(text(x + barWidth / 2 - 1, barTop - 3, cell.medianRatio.toFixed(2), 'text-anchor="middle" font-size="9" fill="#333"'));
    });
    parts.push(text(PLOT.left + g * groupWidth + groupWidth / 2, HEIGHT - PLOT.bottom + 18, OPERATION_TITLES[operation], 'text-anchor="middle" font-size="12"'));
  });
  parts.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y(1)}" y2="${y(1)}" stroke="#333" stroke-dasharray="5,4"/>`);
  const legend = contenders.map((name, c) => {
    const x = PLOT.left + c * 165;
    return `<rect x="${x}" y="40" width="12" height="12" fill="${COLORS[c % COLORS.length]}"/>${text(x + 17, 50, name, 'font-size="12"')}`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(PLOT.left, 22, 'Per-call throughput relative to the raw AWS SDK (no network; higher is better)', 'font-size="15" font-weight="bold"'),
    ...legend,
    ...parts,
    text(PLOT.left, HEIGHT - 14, subtitle, 'font-size="10" fill="#555"'),
    text(14, PLOT.top + plotHeight / 2, 'x raw SDK', `font-size="11" fill="#555" transform="rotate(-90 14 ${PLOT.top + plotHeight / 2})" text-anchor="middle"`),
    '</svg>',
    '',
  ].join('\n');
}
