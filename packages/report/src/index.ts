// The public API of @rclone-b2/report: one rendering module for every tool's HTML report.
export type * from './data.js';
export { DEFAULT_MAX_NODES, duReportData, type DuDataOptions } from './du-data.js';
export { escapeHtml, jsonForScript } from './escape.js';
export { htmlReport } from './render.js';
export { checkHtmlTarget, writeHtmlReport } from './write-report.js';
