// Formatting of what the core sends: money as decimal strings ("5000000.00"), dates as
// YYYY-MM-DD. Money is handled as integer fen in BigInt, never as a JS number.

/** Integer fen of a decimal string such as "5000000.00" or "12.5"; null if not one. */
export function fenOf(text) {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(text ?? '').trim());
  if (!m) return null;
  const frac = (m[2] ?? '').padEnd(2, '0');
  return BigInt(m[1]) * 100n + BigInt(frac);
}

function group(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fenText(fen) {
  const yuan = fen / 100n;
  const rest = (fen % 100n).toString().padStart(2, '0');
  return `${group(yuan.toString())}.${rest}`;
}

/** "5000000.00" → "¥5,000,000.00" */
export function formatYuan(text) {
  const fen = fenOf(text);
  return fen === null ? String(text ?? '') : `¥${fenText(fen)}`;
}

/** "5000000.00" → "500.00万元" (rounded half up to the hundredth of 万, i.e. ¥100) */
export function formatWan(text) {
  const fen = fenOf(text);
  if (fen === null) return String(text ?? '');
  // 1万 = 1,000,000 fen; hundredths of 万 are 10,000 fen.
  const hundredths = (fen + 5000n) / 10000n;
  return `${fenText(hundredths)}万元`;
}

/** Tenths of a percent (as the core gives bar shares) → "330.5%" */
export function formatPermille(permille) {
  const n = BigInt(Math.trunc(Number(permille) || 0));
  const whole = n / 10n;
  const tenth = n % 10n;
  return tenth === 0n ? `${whole}%` : `${whole}.${tenth}%`;
}

/** Compares two money strings exactly. */
export function compareMoney(a, b) {
  const x = fenOf(a) ?? -1n;
  const y = fenOf(b) ?? -1n;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A short amount for charts and notes, as each reader expects it: 万元 in Chinese
 * ("187.60万元"), millions in English ("¥1.88m", half up to the hundredth of a million;
 * under a million in plain yuan).
 */
export function formatShort(text, inLang = 'zh') {
  if (inLang !== 'en') return formatWan(text);
  const fen = fenOf(text);
  if (fen === null) return String(text ?? '');
  if (fen < 100000000n) return formatYuan(text);
  // Hundredths of a million yuan are 1,000,000 fen.
  const hundredths = (fen + 500000n) / 1000000n;
  return `¥${fenText(hundredths)}m`;
}
