import type { PruneReportData } from './data.js';

export function pruneBody(_data: PruneReportData): string {
  return '';
}
