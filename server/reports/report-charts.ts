import type { ChartConfiguration } from 'chart.js';
import type { Cell } from '../insights/measures.ts';
import type { Group } from '../insights/summary.ts';
import { type ChartImage, COLORS, renderChart } from './charts.ts';

type Translate = (key: 'report.suppressed' | 'report.responses_series') => string;

const shown = (cell: Cell) => (cell.suppressed ? null : cell);

/** Main reasons of the quarter, largest first (at most 10 bars, so labels stay legible). */
export function reasonsChart(current: Cell, labels: Record<string, string>, t: Translate): ChartImage | null {
  const c = shown(current);
  if (!c || c.primaryReasons.length === 0) return null;
  const top = c.primaryReasons.slice(0, 10);
  const config: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: top.map((r) => labels[r.code] ?? r.code),
      datasets: [{ label: t('report.responses_series'), data: top.map((r) => r.count), backgroundColor: COLORS[0] }],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
  return renderChart(config, 760, Math.max(200, 60 + top.length * 34));
}

/** The quarter's top three reasons over the trend's quarters; a suppressed quarter is a gap, and says so. */
export function trendChart(current: Cell, trend: Group[], labels: Record<string, string>, t: Translate): ChartImage | null {
  const c = shown(current);
  const codes = (c?.primaryReasons ?? []).slice(0, 3).map((r) => r.code);
  if (codes.length === 0 || trend.length === 0) return null;
  const config: ChartConfiguration = {
    type: 'line',
    data: {
      labels: trend.map((g) => (g.value.suppressed ? `${g.label} (${t('report.suppressed')})` : g.label)),
      datasets: codes.map((code, i) => ({
        label: labels[code] ?? code,
        data: trend.map((g) => (g.value.suppressed ? null : (g.value.primaryReasons.find((r) => r.code === code)?.count ?? 0))),
        borderColor: COLORS[i + 1],
        backgroundColor: COLORS[i + 1],
        spanGaps: false,
      })),
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
  return renderChart(config, 760, 320);
}

/** Responses per group (tenure band or exit type); suppressed groups are named, with no bar. */
export function groupsChart(groups: Group[], label: (key: string) => string, t: Translate): ChartImage | null {
  if (groups.every((g) => g.value.suppressed)) return null;
  const config: ChartConfiguration = {
    type: 'bar',
    data: {
      labels: groups.map((g) => (g.value.suppressed ? `${label(g.key)} (${t('report.suppressed')})` : label(g.key))),
      datasets: [
        {
          label: t('report.responses_series'),
          data: groups.map((g) => (g.value.suppressed ? null : g.value.responses)),
          backgroundColor: COLORS[1],
        },
      ],
    },
    options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  };
  return renderChart(config, 370, 260);
}
