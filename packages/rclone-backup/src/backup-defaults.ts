/**
 * Defaults of one backup run, in one place: the rclone-backup flags and the nightly
 * runner (which calls the logic directly, without flags) both take them from here.
 */
export const BACKUP_DEFAULTS = {
  verifyMode: 'download',
  /** The window the coverage report looks back over. */
  coverageWindow: '30d',
  /**
   * Files per `rclone check` run when verifying. Each run starts rclone (and on B2
   * authorizes and lists the directories its files are in) again; a list of this many
   * paths costs rclone a set lookup per file, and this process a map of the batch.
   */
  batchSize: 100_000,
  /** A tripped max_delete uploads nothing either. */
  strictGuards: true,
} as const;
