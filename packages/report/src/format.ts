import { formatIecSize } from '@rclone-b2/core';
import { dollars } from './dollars.js';

/** `1.5 GiB` with the exact byte count in a tooltip. */
export function sizeCell(bytes: number): string {
  return `<td class="num" data-value="${bytes}" title="${bytes.toLocaleString('en-US')} bytes">${formatIecSize(bytes)}</td>`;
}

export function numberCell(value: number): string {
  return `<td class="num" data-value="${value}">${value.toLocaleString('en-US')}</td>`;
}

/** Dollars per month for `bytes` at `pricePerTBMonth` (TB = 10^12 bytes, as B2 bills). */
export function monthlyCost(bytes: number, pricePerTBMonth: number): number {
  return (bytes / 1e12) * pricePerTBMonth;
}

export function costCell(value: number): string {
  return `<td class="num" data-value="${value}">${dollars(value)}</td>`;
}
