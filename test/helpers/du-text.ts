/** A du-style text report (`SIZE<TAB>PATH` per line) as path → bytes: what the HTML pages are compared with. */
export function parseDuText(stdout: string): Map<string, number> {
  return new Map(
    stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(line.indexOf('\t') + 1), Number(line.slice(0, line.indexOf('\t')))]),
  );
}
