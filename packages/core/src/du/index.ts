/**
 * The du tree aggregation shared by tar-ls-du, encrypted-du and rclone-backup --audit.
 *
 *   const tree = new DuTree();
 *   tree.add('photos/2024/a.jpg', 1234);         // a file (repeated paths add up)
 *   tree.addDirectory('photos/empty');           // a directory entry: establishes it, size not counted
 *   tree.addTotal('photos', 9999);               // a du-style total (children first)
 *   await readListing(stream, tree, { format: 'rclone-ls', onWarning });  // or parse a whole listing
 *   await writeDuReport(tree, output, { format: 'text' | 'csv' | 'json' | 'ncdu', human, depth, top, minSize });
 *   tree.total; tree.count;                      // grand total, distinct paths
 *   for (const dir of tree.directories()) ...    // id, parent, path, total, files, filesBelow, depth
 *
 * Listing parsers (`parseRcloneLsLine`, `parseRcloneLslLine`, `parseLongLine`,
 * `createLineParser(format)`, `detectListingFormat(line)`) feed any ListingSink. Printers
 * (text, csv, json, ncdu) only format the rows that select.ts chose and sorted.
 */
export * from './tree.js';
export * from './arena.js';
export * from './dir-table.js';
export * from './file-table.js';
export * from './select.js';
export * from './radix-sort.js';
export * from './report.js';
export * from './read-listing.js';
export * from './rclone-ls-bytes.js';
export * from './lsjson-bytes.js';
export * from './read-file-chunks.js';
export * from './printers/types.js';
export * from './printers/chunk-writer.js';
export * from './formats/index.js';
