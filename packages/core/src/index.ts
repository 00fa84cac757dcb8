// The public API of @rclone-b2/core: exactly the names the tools, tests and benches use. Anything
// else stays internal (core's own tests import it from its module); test helpers live in ./testing.ts.

// B2 native API client, errors, transaction accounting
export { B2Client, type B2ClientOptions } from './b2/client.js';
export { B2Error, isB2Error } from './b2/errors.js';
export { expectedSha1 } from './b2/files.js';
export { lockReason, spareLocked, type LockedVersion } from './b2/object-lock.js';
export { BACKUP_CAPABILITIES, plannedKeys, PRUNE_CAPABILITIES, type B2CreatedKey, type B2Key, type B2NewKey, type PlannedKey } from './b2/keys.js';
export { openCryptBucket } from './b2/open-crypt-bucket.js';
export { logRetries } from './b2/retry-log.js';
export { listVersionPagesParallel, listVersionsParallel, type ParallelListOptions, type ParallelListStats } from './b2/parallel-list.js';
export { splitPoints } from './b2/range-split.js';
export { billedTransactions, formatTransactions, transactionClass } from './b2/transactions.js';
export { RcloneDumpMeter } from './b2/rclone-dump-meter.js';
export { addUsage, countCall, emptyUsage, formatUsage, usageOf, type B2Usage } from './b2/usage.js';
export { type B2Api, type B2LifecycleRule, type B2Bucket, type B2Download, type B2FileVersion, type B2Part, type B2VersionPage, type ListVersionsOptions, type TransactionCounts } from './b2/types.js';

// CLI scaffolding: flags, parser, typed errors, exit codes, logger, runTool
export { cappedWarnings, type CappedWarnings } from './cli/capped-warnings.js';
export { choiceFlag, countFlag, deprecatedFlag, durationFlag, integerFlag, sizeFlag, stringFlag, timeFlag } from './cli/arguments.js';
export { ConfigError, GuardError, isToolError, ProblemError, ToolError, UsageError } from './cli/errors.js';
export { ExitCode, type ExitCodeValue } from './cli/exit-codes.js';
export { interruptSignal, throwIfInterrupted } from './cli/interrupt.js';
export { type ToolIO } from './cli/io.js';
export { jsonPlanWriter, type JsonPlanWriter } from './cli/json-plan.js';
export { createLogger, redact, type Logger } from './cli/logger.js';
export { checkNamedFile, openNamedInput } from './cli/open-input.js';
export { programEnding, programNotStarted, type ProgramResult } from './cli/program-end.js';
export {
  DRY_RUN_FLAG,
  HUMAN_READABLE_FLAG,
  JSON_FLAG,
  parseArgv,
  preloadYargs,
  PROGRESS_FLAG,
  RCLONE_CONFIG_FLAG,
  toolParser,
  transfersFlag,
  verbosityOf,
  type ParsedArgs,
} from './cli/parser.js';
export { createProgressLine, etaText, type ProgressLine } from './cli/progress-line.js';
export { changesUnless, reportError, runTool, type ToolMain } from './cli/run-tool.js';
export { isSystemError, reasonOf, systemErrorReason } from './cli/system-errors.js';

// Bounded concurrency
export { forEachLimit, mapLimit } from './concurrency/map-limit.js';
export { TaskPool } from './concurrency/task-pool.js';

// rclone crypt: keys, name and content ciphers
export { encryptedSize } from './crypt/content.js';
export { deriveKeys } from './crypt/keys.js';
export { createNameCipher, type RcloneNameCipher } from './crypt/names.js';
export { b2Location, openCryptRemote } from './crypt/open-crypt-remote.js';
export { type B2Location, type ContentCipher, type NameCipher } from './crypt/types.js';
export { versionedPath } from './crypt/version-suffix.js';

// du tree, listing formats and reports
export { parseRcloneLsLine } from './du/formats/rclone.js';
export { type ListingFormat } from './du/formats/types.js';
export { readListing } from './du/read-listing.js';
export { readFileChunks } from './du/read-file-chunks.js';
export { writeDuReport } from './du/report.js';
export { sortedRowBatches, sortedRows, type DuRow, type DuSelectOptions, type ReportRows } from './du/select.js';
export { DuTree, type DuDirectory, type ListingSink } from './du/tree.js';

// Files: atomic writes, lock paths
export { lockPathFor } from './fs/lock-path.js';
export { cannotReplaceReason, writeFileAtomically, writeOutputFile } from './fs/write-atomically.js';
export { setMtimeMs } from './fs/set-mtime.js';
export { isWasmMemory, WASM, WASM_PAGE, type WasmMemory } from './wasm/wasm-api.js';

// Source guards shared by the backup tools: mount point, empty source, max_delete
export { checkLocalSource, deleteLimitBroken, isMountPoint, parseMaxDelete, type DeleteLimit, type LocalSourceGuard, type PlannedDeletes } from './guard/index.js';

// PID lock files
export { acquirePidLock, type ReleaseLock } from './lock/pid-lock.js';
export { findMarkedProcess, lockMarkerEnv, type MarkedProcess } from './lock/lock-marker.js';

// File names as bytes, escaping, rclone encoding
export { escapeName, unescapeName } from './names/escape-name.js';
export { fsPath, hasNameEscapes, nameFromBytes, nameToBytes } from './names/name-bytes.js';
export { localPathOf, standardPathOfLocal } from './names/rclone-encoding.js';
export { findLocalPaths } from './names/local-paths.js';

// Deterministic randomness
export { seededRandom, type SeededRandom } from './random/seeded-random.js';

// Retention policies (b2-prune's versions, rsync-backup's snapshots)
export {
  BUILTIN_POLICIES,
  DAY_MS,
  DEFAULT_POLICY,
  expandAges,
  formatDays,
  formatWindow,
  globToRegExp,
  isGlob,
  judgeOldUploads,
  parsePolicy,
  PathMatcher,
  PolicySpecError,
  thinSnapshots,
  windowFor,
  type ExpandedAge,
  type PathRule,
  type Policy,
  type PolicyChoice,
  type Segment,
  type SeriesRule,
  type SeriesVerdict,
  type SnapshotVerdict,
  type Window,
} from './retention/index.js';

// rclone config, links, remotes, running rclone
export { encryptConfigText } from './rclone/config-crypt.js';
export { findConfigPath, loadRcloneConfig, type RcloneEnv } from './rclone/config.js';
export { linkPathOf, RCLONE_LINK_SUFFIX } from './rclone/links.js';
export { excludeFromRules, globLiteral, parseFilterRule, RcloneFilter, type FilterVerdict, type RcloneFilterRule } from './rclone/filter.js';
export { obscure } from './rclone/obscure.js';
export { parseRemoteArg, resolveStorage } from './rclone/remotes.js';
export { RcloneError, runRclone, type RcloneResult } from './rclone/run-rclone.js';

// Lines, sizes, durations, times, messages
export { formatDuration, parseDuration } from './text/durations.js';
export { formatIecSize } from './text/iec-size.js';
export { BufferedWriter, readLines, writeWithBackpressure } from './text/lines.js';
export { ByteLines } from './text/byte-lines.js';
export { compareBytes, hashBytes, placeSlot, rehashSlots, sameBytes } from './du/bytes.js';
export { EncodedLines } from './text/encoded-lines.js';
export { quoteForMessage } from './text/quote-for-message.js';
export { formatSize, parseSize } from './text/sizes.js';
export { parseTime } from './text/times.js';

// Version histories of (encrypted) B2 buckets
export { assertPasswordFits, listCryptFiles, listCryptFileBatches, DEFAULT_LIST_CONCURRENCY, type CryptBucket, type CryptFileHistory, type ListCryptFilesOptions } from './versions/crypt-files.js';
export { crashSafeOrder, DeletionExecutor } from './versions/delete.js';
export { isLive, isVisibleKind, supersededTimes, visibleVersions } from './versions/history.js';
export { bucketPrefix, compareB2Names, encryptedBucketName } from './versions/list.js';
export { openEncryptedBucket, type EncryptedBucketOpener } from './versions/open-encrypted-bucket.js';
export { assertPathMatched, noSuchPathMessage } from './versions/no-such-path.js';
export { WrongPasswordError } from './versions/password-check.js';
export { frameVersionedPath, VERSION_SUFFIX_LENGTH, writeVersionedPath, writeVersionSuffix } from './versions/version-suffix-bytes.js';

// Prices: the dated price model, its loader and cost functions
export * from './prices/index.js';

// Quoting for systemd units and cron lines (rclone-backup-nightly, rsync-backup)
export { cronWord, shellWord, systemdArgument, systemdExecutable } from './units/unit-quote.js';

// Toolset version
export { TOOLSET_VERSION } from './version.js';
export { RowSampleSelector, SampleSelector, selectSample, type Candidate, type RowPaths, type SampleConditions, type Totals } from './sample/select.js';
export { ledgerLine, parseLedgerLine, verifiedSince, type LedgerEntry } from './sample/ledger-line.js';
