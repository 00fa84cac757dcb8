/** The built-in policies (TOOLS.md); a policy file may add more or redefine these. */
export const BUILTIN_POLICIES: Readonly<Record<string, string>> = {
  default: '1,2,3,4,5,6,7,*,30,*,365,?',
  never: '',
  one_week: '1..7',
  one_month: '1..7,*,30',
  three_months: '1..7,*,30,*,91', // the original's (1..7, *, 30, *, 91): daily a week, weekly a month, 30-day steps to 91 days
  six_months: '1..7,*,30,*,182', // the original's (…, 30, *, 182): the same to 182 days
  one_year: '1..7,*,30,*,365',
  one_year_all: '1,*,365',
};

/** The policy used for paths no rule matches. */
export const DEFAULT_POLICY = 'default';
