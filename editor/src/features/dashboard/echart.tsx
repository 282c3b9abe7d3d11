/**
 * A chart drawn by ECharts. The library is imported on first render (its own chunk, loaded
 * only by the dashboard) with just the chart types and components the dashboard uses.
 */
import { Spin } from 'antd';
import type { EChartsCoreOption } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';

type ECharts = typeof import('echarts/core');
let loading: Promise<ECharts> | null = null;

function loadECharts(): Promise<ECharts> {
  loading ??= Promise.all([
    import('echarts/core'),
    import('echarts/charts'),
    import('echarts/components'),
    import('echarts/renderers'),
  ]).then(([core, charts, components, renderers]) => {
    core.use([
      charts.BarChart,
      charts.LineChart,
      charts.PieChart,
      charts.FunnelChart,
      components.GridComponent,
      components.TooltipComponent,
      components.LegendComponent,
      components.DatasetComponent,
      renderers.CanvasRenderer,
    ]);
    return core;
  });
  return loading;
}

type Props = {
  option: EChartsCoreOption;
  height?: number;
  testId?: string;
};

export function EChart({ option, height = 280, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<ECharts['init']> | null>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let live = true;
    let observer: ResizeObserver | null = null;
    void loadECharts().then((echarts) => {
      if (!live || !el.current) return;
      chart.current = echarts.init(el.current, undefined, { renderer: 'canvas' });
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(el.current);
      setReady(true);
    });
    return () => {
      live = false;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (ready) chart.current?.setOption(option, { notMerge: true });
  }, [ready, option]);

  return (
    <div className="dash-chart" style={{ height }} data-testid={testId} data-ready={ready}>
      <div ref={el} style={{ width: '100%', height: '100%' }} />
      {!ready && (
        <div className="dash-chart-loading">
          <Spin />
        </div>
      )}
    </div>
  );
}
