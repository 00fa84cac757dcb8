import type { PruneReportData } from '../data.js';

export function drawPrune(_data: PruneReportData): void {}
