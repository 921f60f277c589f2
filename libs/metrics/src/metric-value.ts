import { metricsRegistry } from './metrics-registry.js';

/**
 * The current value of one series of a metric in this process, summed over the series matching
 * `labels` (0 when none was recorded); for a histogram, pass the series name with its suffix
 * (`_count`, `_sum`). For tests and checks.
 */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name) ?? metricsRegistry.getSingleMetric(name.replace(/_(count|sum|bucket)$/, ''));
  if (!metric) throw new Error(`no metric ${name}`);
  const family = await metric.get();
  const wanted = Object.entries(labels);
  return family.values
    .filter((v) => ((v as { metricName?: string }).metricName ?? family.name) === name && wanted.every(([key, value]) => String(v.labels[key]) === value))
    .reduce((sum, v) => sum + v.value, 0);
}
