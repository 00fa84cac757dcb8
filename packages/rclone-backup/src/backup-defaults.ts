/**
 * Defaults of one backup run, in one place: the rclone-backup flags and the nightly
 * runner (which calls the logic directly, without flags) both take them from here.
 */
export const BACKUP_DEFAULTS = {
  verifyMode: 'download',
  /** The window the coverage report looks back over. */
  coverageWindow: '30d',
  /** Files per `rclone check` run when verifying. */
  batchSize: 1000,
  /** A tripped max_delete uploads nothing either. */
  strictGuards: true,
} as const;
