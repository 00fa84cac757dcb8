/**
 * Makes every `th[data-sort]` of a table a sort button (the table itself is plain HTML
 * and reads fine without this). Numbers sort by their cell's data-value.
 */
export function sortableTables(): void {
  for (const table of Array.from(document.querySelectorAll('table'))) {
    const headers = Array.from(table.querySelectorAll<HTMLTableCellElement>('thead th[data-sort]'));
    headers.forEach((th, column) => {
      th.querySelector('button')?.addEventListener('click', () => {
        const descending = th.getAttribute('aria-sort') !== 'descending';
        for (const other of headers) other.removeAttribute('aria-sort');
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        const body = table.tBodies[0];
        if (!body) return;
        const numeric = th.dataset.sort === 'number';
        const key = (row: HTMLTableRowElement): string | number => {
          const cell = row.cells[column];
          return numeric ? Number(cell?.dataset.value ?? 0) : (cell?.textContent ?? '');
        };
        const rows = Array.from(body.rows).sort((a, b) => {
          const x = key(a);
          const y = key(b);
          const order = x < y ? -1 : x > y ? 1 : 0;
          return descending ? -order : order;
        });
        body.append(...rows);
      });
    });
  }
}
