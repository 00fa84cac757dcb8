/** B2 storage, US dollars per TB (10^12 bytes) and month: Backblaze's list price since October 2023. */
export const B2_PRICE_PER_TB_MONTH = 6;
