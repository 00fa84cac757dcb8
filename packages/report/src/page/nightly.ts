import type { NightlyReportData } from '../data.js';

export function drawNightly(_data: NightlyReportData): void {}
