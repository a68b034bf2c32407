import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBase64 } from '../js/views/importer.js';

test('files go to the core as base64, large ones included', () => {
  assert.equal(toBase64(new TextEncoder().encode('项目名称,申请金额')), Buffer.from('项目名称,申请金额').toString('base64'));
  const big = new Uint8Array(200_000).map((_, i) => (i * 31) % 256);
  assert.equal(toBase64(big), Buffer.from(big).toString('base64'));
  assert.equal(toBase64(new Uint8Array()), '');
});
