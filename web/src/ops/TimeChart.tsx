import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesSpec {
  label: string;
  color: string;
  dash?: number[];
}

const PALETTE = ['#2B77CB', '#C53030', '#2F855A', '#DD6B20', '#6B46C1', '#2C7A7B', '#B83280', '#4A5568'];
export const color = (i: number) => PALETTE[i % PALETTE.length];

/** A live time-series chart (uPlot). `data[0]` is unix seconds; the others one series each. */
export function TimeChart({ title, series, data, unit, height = 220, testId }: {
  title: string;
  series: SeriesSpec[];
  data: (number | null)[][];
  unit: string;
  height?: number;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const key = series.map((s) => s.label).join('|');

  useEffect(() => {
    if (!host.current) return undefined;
    const width = Math.max(280, host.current.clientWidth);
    const options: uPlot.Options = {
      width,
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [Math.min(0, min), Math.max(max, unit === '%' ? 5 : 1)] } },
      axes: [
        { stroke: '#374151', grid: { stroke: '#E5E7EB' } },
        { stroke: '#374151', grid: { stroke: '#E5E7EB' }, size: 56,
          values: (_u, splits) => splits.map((v) => `${+v.toFixed(2)}${unit}`) },
      ],
      series: [
        { label: '시각', value: (_u, v) => (v == null ? '-' : new Date(v * 1000).toLocaleTimeString('ko-KR')) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, spanGaps: true,
          value: (_u: uPlot, v: number | null) => (v == null ? '-' : `${+v.toFixed(2)}${unit}`) })),
      ],
    };
    plot.current = new uPlot(options, data as uPlot.AlignedData, host.current);
    const observer = new ResizeObserver(() => {
      if (host.current && plot.current) plot.current.setSize({ width: Math.max(280, host.current.clientWidth), height });
    });
    observer.observe(host.current);
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  // Recreated when the set of series changes; data updates go through setData below.
  }, [key, height, unit]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const last = data[0]?.length ? series.map((s, i) => {
    const v = data[i + 1]?.[data[0].length - 1];
    return `${s.label} ${v == null ? '-' : `${+v.toFixed(2)}${unit}`}`;
  }).join(', ') : '데이터 수집 중';

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={host} className="chart-host" role="img" aria-label={`${title}: 최근 값 ${last}`} />
    </figure>
  );
}
