/**
 * The du tree aggregation shared by tar-ls-du, encrypted-du and rclone-backup --audit.
 *
 *   const tree = new DuTree();
 *   tree.add('photos/2024/a.jpg', 1234);            // or: await readListing(stream, tree, { format })
 *   tree.addDirectory('photos/empty');              // establishes a directory (size not counted)
 *   await writeDuReport(tree, process.stdout, { format: 'text', human: true, top: 40 });
 *
 * Listing parsers (`parseRcloneLsLine`, `createLineParser('rclone-ls')`, ...) feed any
 * ListingSink; printers (text, csv, json, ncdu) only format what select.ts chose.
 */
export * from './tree.js';
export * from './arena.js';
export * from './top.js';
export * from './select.js';
export * from './report.js';
export * from './read-listing.js';
export * from './rclone-ls-bytes.js';
export * from './printers/types.js';
export * from './printers/chunk-writer.js';
export * from './formats/index.js';
