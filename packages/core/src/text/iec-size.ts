// Sizes in messages spelled with IEC binary units (KiB, MiB, GiB), so "4.0 MiB" can never be
// read as 4,000,000 bytes; du-style columns (-h) keep coreutils' 1.5K 20M spelling (sizes.ts).
const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'] as const;

/** `1536` → `1.5 KiB`, `512` → `512 B`; one decimal below 10 units, none above. */
export function formatIecSize(bytes: number): string {
  let value = bytes;
  let exponent = 0;
  // 1023.7 KiB would print as "1024 KiB": move up while the rounded value reaches 1024.
  while (Math.round(value) >= 1024 && exponent < IEC.length - 1) {
    value /= 1024;
    exponent += 1;
  }
  const text = exponent === 0 ? String(value) : value < 10 ? value.toFixed(1) : String(Math.round(value));
  return `${text} ${IEC[exponent]}`;
}
