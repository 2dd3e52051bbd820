import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inboxSections, statusOf } from '../../src/inboxModel';
import type { InboxResult, Thread } from '../../src/protocol';

const thread = (id: string, body: string, author: string, assignees: string[]): Thread => ({
  id,
  kind: 'question',
  state: 'open',
  body,
  author: { name: author, email: `${author.toLowerCase()}@example.com` },
  assignees,
  created_at: '',
  updated_at: '',
  replies: [],
  location: { path: 'src/shop.py', start_line: 5, end_line: 5, status: 'exact', confidence: 1 },
});

const inbox: InboxResult = {
  for_me: [thread('q1', 'Who clears this cache?\nmore', 'Bob', ['ada@example.com'])],
  waiting: [thread('q2', 'Why net prices?', 'Ada', []), thread('q3', 'Tax?', 'Ada', ['eve@example.com'])],
  news: [],
  reminders: [
    {
      id: 'r1',
      text: 'Check the tax rules',
      dueAt: '2026-11-29T07:00:00Z',
      doneAt: null,
      location: { path: 'src/shop.py', startLine: 1, endLine: 2, status: 'exact' },
    },
  ],
};

test('four sections with their counts, each item knowing where it is', () => {
  const sections = inboxSections(inbox, [{ id: 'w1', title: 'Checkout tour', chapter_count: 1 }]);
  assert.deepEqual(
    sections.map((s) => s.label),
    ['Questions for me (1)', 'My unanswered questions (2)', 'Due reminders (1)', 'Walkthroughs (1)'],
  );
  const [forMe, waiting, reminders, walkthroughs] = sections;
  assert.deepEqual(forMe.items[0], {
    kind: 'thread',
    id: 'q1',
    label: 'Who clears this cache?',
    description: 'from Bob · src/shop.py:5',
    tooltip: 'Who clears this cache?\nmore',
    path: 'src/shop.py',
    line: 5,
    contextValue: 'thread.question.open',
  });
  assert.deepEqual(
    waiting.items.map((i) => i.description),
    ['to anyone · src/shop.py:5', 'to eve@example.com · src/shop.py:5'],
  );
  assert.deepEqual(
    [reminders.items[0].label, reminders.items[0].description, reminders.items[0].line, reminders.items[0].contextValue],
    ['Check the tax rules', 'src/shop.py:1', 1, 'reminder'],
  );
  assert.deepEqual([walkthroughs.items[0].label, walkthroughs.items[0].description], ['Checkout tour', '1 chapter']);
});

test('an inbox without reminders (older servers) has an empty section', () => {
  const { reminders: _, ...older } = inbox;
  assert.equal(inboxSections(older, [])[2].label, 'Due reminders (0)');
});

test('the status bar counts the open questions for me', () => {
  assert.deepEqual(statusOf(inbox), { text: '$(comment-discussion) 1', tooltip: 'Tacit: 1 open question for you' });
  assert.equal(statusOf({ ...inbox, for_me: [] }).tooltip, 'Tacit: 0 open questions for you');
});
