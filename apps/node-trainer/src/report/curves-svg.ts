/**
 * Training curves as a standalone SVG, like d2l's animator: loss on the left axis, train acc, test acc
 * and test mean IoU (0..1) on the right, one point per epoch.
 */
import type { EpochRecord } from '@fcn/train';

const W = 640;
const H = 360;
const M = { left: 56, right: 56, top: 28, bottom: 44 };

interface Series {
  name: string;
  colour: string;
  axis: 'loss' | 'unit';
  values: (number | null)[];
}

export function curvesSvg(history: readonly EpochRecord[]): string {
  const epochs = history.map((r) => r.epoch);
  const series: Series[] = [
    { name: 'train loss', colour: '#1f77b4', axis: 'loss', values: history.map((r) => r.loss) },
    { name: 'train acc', colour: '#ff7f0e', axis: 'unit', values: history.map((r) => r.trainAcc) },
    {
      name: 'test acc',
      colour: '#2ca02c',
      axis: 'unit',
      values: history.map((r) => r.test?.pixelAccuracy ?? null),
    },
    {
      name: 'test mIoU',
      colour: '#d62728',
      axis: 'unit',
      values: history.map((r) => r.test?.meanIoU ?? null),
    },
  ].filter((s) => s.values.some((v) => v !== null)) as Series[];
  const maxEpoch = Math.max(1, ...epochs);
  const maxLoss = niceCeil(Math.max(1e-6, ...history.map((r) => (Number.isFinite(r.loss) ? r.loss : 0))));
  const x = (epoch: number) =>
    M.left + ((epoch - (maxEpoch > 1 ? 1 : 0)) / Math.max(1, maxEpoch - 1)) * (W - M.left - M.right);
  const y = (value: number, axis: Series['axis']) =>
    H - M.bottom - (value / (axis === 'loss' ? maxLoss : 1)) * (H - M.top - M.bottom);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const f = i / 5;
    const yy = y(f, 'unit');
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${yy + 4}" text-anchor="end">${fmt(f * maxLoss)}</text>`,
      `<text x="${W - M.right + 6}" y="${yy + 4}">${f.toFixed(1)}</text>`,
    );
  }
  for (const e of ticks(maxEpoch)) {
    parts.push(`<text x="${x(e)}" y="${H - M.bottom + 16}" text-anchor="middle">${e}</text>`);
  }
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 8}" text-anchor="middle">epoch</text>`,
    `<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">loss</text>`,
    `<text x="${W - 14}" y="${H / 2}" transform="rotate(90 ${W - 14} ${H / 2})" text-anchor="middle">accuracy / IoU</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#999"/>`,
  );
  series.forEach((s, i) => {
    const points = s.values
      .map((v, j) =>
        v === null || !Number.isFinite(v) ? null : `${x(epochs[j]!).toFixed(1)},${y(v, s.axis).toFixed(1)}`,
      )
      .filter((p): p is string => p !== null);
    parts.push(
      `<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${points.join(' ')}"/>`,
      ...points.map((p) => {
        const [cx, cy] = p.split(',');
        return `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${s.colour}"/>`;
      }),
      `<line x1="${M.left + 8 + i * 130}" x2="${M.left + 28 + i * 130}" y1="14" y2="14" stroke="${s.colour}" stroke-width="2"/>`,
      `<text x="${M.left + 32 + i * 130}" y="18">${s.name}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function ticks(maxEpoch: number): number[] {
  const step = Math.max(1, Math.ceil(maxEpoch / 10));
  const out: number[] = [];
  for (let e = 1; e <= maxEpoch; e += step) out.push(e);
  if (out.at(-1) !== maxEpoch) out.push(maxEpoch);
  return out;
}

const fmt = (v: number) => (v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2));
