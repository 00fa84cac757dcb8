/**
 * The built-in policies; a policy file may add more or redefine these. `three_months` and
 * `six_months` are the original backblaze-prune-backups' two other built-ins: daily for a
 * week, weekly to a month, then monthly (30-day steps) to 90 and 180 days, nothing older.
 */
export const BUILTIN_POLICIES: Readonly<Record<string, string>> = {
  default: '1,2,3,4,5,6,7,*,30,*,365,?',
  never: '',
  one_week: '1..7',
  one_month: '1..7,*,30',
  three_months: '1..7,*,30,*,90',
  six_months: '1..7,*,30,*,180',
  one_year: '1..7,*,30,*,365',
  one_year_all: '1,*,365',
};

/** The policy used for paths no rule matches. */
export const DEFAULT_POLICY = 'default';
