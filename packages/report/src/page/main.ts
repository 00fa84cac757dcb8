import type { ReportData } from '../data.js';
import { drawDu } from './du.js';
import { drawNightly } from './nightly.js';
import { drawPrune } from './prune.js';
import { sortableTables } from './table-sort.js';

// The report's data sits in a JSON script element (escaped by the Node side); nothing is fetched.
const source = document.getElementById('report-data');
const data = JSON.parse(source?.textContent ?? 'null') as ReportData;
sortableTables();
if (data.kind === 'du') drawDu(data);
else if (data.kind === 'prune') drawPrune(data);
else drawNightly(data);
