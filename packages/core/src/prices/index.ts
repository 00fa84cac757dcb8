export {
  DAYS_PER_MONTH,
  downloadCostPerMonth,
  formatMoney,
  freeDownloadPerMonth,
  storageBillPerMonth,
  storageCostPerMonth,
  transactionCost,
  transactionCostAtMargin,
} from './cost.js';
export { DEFAULT_PRICES_FILE, loadPrices } from './load-prices.js';
export { parsePriceModel, type PriceModel, type TransactionPrice } from './price-model.js';
export { PRICES_FLAG } from './prices-flag.js';
