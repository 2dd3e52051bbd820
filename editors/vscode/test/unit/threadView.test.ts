import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LocatedThread, Thread } from '../../src/protocol';
import { commentsOf, contextValueOf, labelOf, threadView } from '../../src/threadView';

const bob = { name: 'Bob', email: 'bob@example.com' };
const ada = { name: 'Ada', email: 'ada@example.com' };

function question(state: string, extra: Partial<Thread> = {}): LocatedThread {
  const thread: Thread = {
    id: 'q1',
    kind: 'question',
    state,
    body: 'Who clears this cache?\nAnd when?',
    author: bob,
    assignees: ['ada@example.com'],
    created_at: '2026-11-27T22:09:18.805Z',
    updated_at: '2026-11-27T22:09:18.934Z',
    replies: [],
    ...extra,
  };
  return {
    id: 'q1',
    kind: 'question',
    state,
    title: 'Who clears this cache?',
    range: { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } },
    status: 'exact',
    confidence: 1,
    actions:
      state === 'resolved'
        ? ['tacit.reply', 'tacit.reopen', 'tacit.moveThread']
        : ['tacit.reply', 'tacit.answer', 'tacit.ack', 'tacit.resolve', 'tacit.moveThread'],
    author: bob,
    assignees: ['ada@example.com'],
    thread,
  };
}

test('the contextValue lists the server actions for the menus to match', () => {
  assert.equal(contextValueOf(['tacit.reply', 'tacit.answer', 'tacit.ack']), ';reply;answer;ack;');
  assert.equal(contextValueOf([]), ';');
  assert.match(contextValueOf(question('open').actions), /;answer;/);
  assert.doesNotMatch(contextValueOf(question('resolved').actions), /;answer;|;resolve;/);
  assert.match(contextValueOf(question('resolved').actions), /;reopen;/);
});

test('an open question is expanded, labelled with who asked whom', () => {
  const view = threadView(question('open'));
  assert.equal(view.label, 'Question · open · Bob → ada@example.com');
  assert.equal(view.expanded, true);
  assert.equal(view.resolved, false);
  assert.deepEqual(
    view.comments.map((c) => [c.author, c.label, c.body]),
    [['Bob', 'question', 'Who clears this cache?\nAnd when?']],
  );
  assert.equal(view.comments[0].timestamp?.toISOString(), '2026-11-27T22:09:18.805Z');
});

test('replies follow the body, answers labelled, edits marked', () => {
  const t = question('answered', {
    replies: [
      { id: 'r1', kind: 'reply', author: bob, created_at: '2026-11-28T10:00:00.000Z', body: 'Any idea?' },
      { id: 'r2', kind: 'answer', author: ada, created_at: '2026-11-28T11:00:00.000Z', body: 'clear()', edited_at: 'x' },
    ],
  }).thread!;
  assert.deepEqual(
    commentsOf(t).map((c) => [c.author, c.label, c.body]),
    [
      ['Bob', 'question', 'Who clears this cache?\nAnd when?'],
      ['Bob', 'reply', 'Any idea?'],
      ['Ada', 'answer (edited)', 'clear()'],
    ],
  );
});

test('answered and resolved questions fold; resolved ones are resolved', () => {
  assert.equal(threadView(question('answered')).expanded, false);
  const resolved = threadView(question('resolved'));
  assert.equal(resolved.resolved, true);
  assert.equal(resolved.label, 'Question · resolved · Bob → ada@example.com');
});

test('notes and lessons: kind and author; acknowledgements and moved code are said', () => {
  const note: LocatedThread = {
    ...question('open'),
    kind: 'note',
    status: 'moved',
    thread: { ...question('open').thread!, kind: 'note', assignees: [], author: ada },
  };
  assert.equal(labelOf(note), 'Note · Ada · moved');
  assert.equal(threadView(note).expanded, false);
  const acked = question('open', { acks: [{ author: ada, at: '2026-11-28T09:00:00.000Z' }] });
  assert.equal(labelOf(acked), 'Question · open · Bob → ada@example.com · seen by Ada');
  assert.equal(labelOf({ ...question('open'), status: 'orphaned' }), 'Question · open · Bob → ada@example.com · code gone: last seen here');
});

test('without the full thread, the title stands for the body', () => {
  const { thread: _, ...bare } = question('open');
  const view = threadView(bare);
  assert.deepEqual(view.comments, [{ author: 'Bob', label: 'question', body: 'Who clears this cache?' }]);
  assert.equal(view.label, 'Question · open · Bob → ada@example.com');
});
