import type { NightlyReportData } from './data.js';

export function nightlyBody(_data: NightlyReportData): string {
  return '';
}
