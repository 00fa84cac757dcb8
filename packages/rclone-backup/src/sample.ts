// The selection itself lives in core (shared with encrypted-restore --drill).
export { RowSampleSelector, SampleSelector, selectSample, type Candidate, type SampleConditions, type Totals } from '@rclone-b2/core';
