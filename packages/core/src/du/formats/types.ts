import type { ListingSink } from '../tree.js';

/** The listing formats tar-ls-du (and anything else feeding a DuTree) understands. */
export type ListingFormat = 'ls' | 'tar' | 'rclone-ls' | 'rclone-lsl' | 'lsjson' | 'du';

export const LISTING_FORMATS: readonly ListingFormat[] = ['ls', 'tar', 'rclone-ls', 'rclone-lsl', 'lsjson', 'du'];

/**
 * Parses one line (without its line end) into `sink`. Returns false when the line cannot
 * be parsed; lines that carry no entry (`total 8`, `[`, blank) return true.
 * Parsers may keep state between lines (ls -lR's `dir:` headers).
 */
export interface LineParser {
  readonly format: ListingFormat;
  parseLine(line: string, sink: ListingSink): boolean;
  /** After the last line: what the input as a whole lacks (a problem: exit 1), or notes for -v. */
  end?(sink: ListingSink): ListingEnd;
}

export interface ListingEnd {
  problem?: string | undefined;
  note?: string | undefined;
}
