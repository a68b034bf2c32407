import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fenOf, formatYuan, formatWan, formatPermille, compareMoney, formatShort } from '../js/format.js';

test('money strings become exact fen', () => {
  assert.equal(fenOf('5000000.00'), 500000000n);
  assert.equal(fenOf('12.5'), 1250n);
  assert.equal(fenOf('0'), 0n);
  assert.equal(fenOf('999999999999.99'), 99999999999999n);
  assert.equal(fenOf('1.234'), null);
  assert.equal(fenOf('-1'), null);
  assert.equal(fenOf('abc'), null);
});

test('yuan are grouped by thousands with two decimals', () => {
  assert.equal(formatYuan('60000000.00'), '¥60,000,000.00');
  assert.equal(formatYuan('1234567.89'), '¥1,234,567.89');
  assert.equal(formatYuan('0.07'), '¥0.07');
  assert.equal(formatYuan('999'), '¥999.00');
  // Beyond the precision of a JS number, still exact.
  assert.equal(formatYuan('999999999999.99'), '¥999,999,999,999.99');
});

test('万元 are rounded half up to the hundredth', () => {
  assert.equal(formatWan('5000000.00'), '500.00万元');
  assert.equal(formatWan('60000000.00'), '6,000.00万元');
  assert.equal(formatWan('12345.00'), '1.23万元');
  assert.equal(formatWan('12350.00'), '1.24万元');
  assert.equal(formatWan('12349.99'), '1.23万元');
});

test('permille shares read as percentages', () => {
  assert.equal(formatPermille(1000), '100%');
  assert.equal(formatPermille(3305), '330.5%');
  assert.equal(formatPermille(0), '0%');
});

test('money compares exactly, not as floats', () => {
  assert.equal(compareMoney('9007199254740993.00', '9007199254740992.99'), 1);
  assert.equal(compareMoney('10.00', '9.99'), 1);
  assert.equal(compareMoney('1.50', '1.5'), 0);
});

test('short amounts: 万元 in Chinese, millions in English, half up', () => {
  assert.equal(formatShort('1876000.00', 'zh'), '187.60万元');
  assert.equal(formatShort('1876000.00', 'en'), '¥1.88m');
  assert.equal(formatShort('60000000.00', 'en'), '¥60.00m');
  assert.equal(formatShort('1004999.99', 'en'), '¥1.00m');
  assert.equal(formatShort('1005000.00', 'en'), '¥1.01m');
  assert.equal(formatShort('999999.99', 'en'), '¥999,999.99');
});
