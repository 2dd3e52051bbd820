import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recipients, reminderWhen, selectedLines } from '../../src/userInput';

test('durations are `in`, anything else is `at` for the server to parse', () => {
  assert.deepEqual(reminderWhen('10m'), { in: '10m' });
  assert.deepEqual(reminderWhen(' 1h 30m '), { in: '1h30m' });
  assert.deepEqual(reminderWhen('in 2h'), { in: '2h' });
  assert.deepEqual(reminderWhen('tomorrow 09:00'), { at: 'tomorrow 09:00' });
  assert.deepEqual(reminderWhen('17:00'), { at: '17:00' });
  assert.deepEqual(reminderWhen('2026-12-01T09:00:00Z'), { at: '2026-12-01T09:00:00Z' });
  assert.throws(() => reminderWhen('  '), /say when/);
});

test('recipients split on commas, semicolons and spaces', () => {
  assert.deepEqual(recipients('bob@example.com, eve@example.com;zed@example.com  '), [
    'bob@example.com',
    'eve@example.com',
    'zed@example.com',
  ]);
  assert.deepEqual(recipients(''), []);
});

test('a selection ending at column 0 does not take the line it ends on', () => {
  assert.deepEqual(selectedLines({ line: 2 }, { line: 5, character: 0 }), { startLine: 2, endLine: 4 });
  assert.deepEqual(selectedLines({ line: 2 }, { line: 5, character: 3 }), { startLine: 2, endLine: 5 });
  assert.deepEqual(selectedLines({ line: 2 }, { line: 2, character: 0 }), { startLine: 2, endLine: 2 });
});
