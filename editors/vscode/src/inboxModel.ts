// The inbox tree's content, from `tacit/inbox` and `tacit.walkthrough.list`:
// four sections, each item knowing what to open.
import type { InboxResult, Thread, Walkthrough } from './protocol';

export interface InboxItem {
  kind: 'thread' | 'reminder' | 'walkthrough';
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  path?: string; // relative to the repository
  line?: number; // 1-based
  contextValue: string;
}

export interface InboxSection {
  id: 'forMe' | 'waiting' | 'reminders' | 'walkthroughs';
  label: string;
  items: InboxItem[];
}

const firstLine = (s: string) => s.split('\n', 1)[0];

function threadItem(t: Thread, who: string): InboxItem {
  const where = t.location?.path ? `${t.location.path}:${t.location.start_line}` : undefined;
  return {
    kind: 'thread',
    id: t.id,
    label: firstLine(t.body),
    description: [who, where].filter(Boolean).join(' · '),
    tooltip: t.body,
    path: t.location?.path || undefined,
    line: t.location?.start_line,
    contextValue: `thread.${t.kind}.${t.state}`,
  };
}

export function inboxSections(inbox: InboxResult, walkthroughs: Walkthrough[]): InboxSection[] {
  const reminders = inbox.reminders ?? [];
  return [
    {
      id: 'forMe',
      label: `Questions for me (${inbox.for_me.length})`,
      items: inbox.for_me.map((t) => threadItem(t, `from ${t.author.name || t.author.email}`)),
    },
    {
      id: 'waiting',
      label: `My unanswered questions (${inbox.waiting.length})`,
      items: inbox.waiting.map((t) => threadItem(t, t.assignees.length ? `to ${t.assignees.join(', ')}` : 'to anyone')),
    },
    {
      id: 'reminders',
      label: `Due reminders (${reminders.length})`,
      items: reminders.map((r) => ({
        kind: 'reminder' as const,
        id: r.id,
        label: r.text || r.title || 'Reminder',
        description: r.location.path ? `${r.location.path}:${r.location.startLine}` : undefined,
        path: r.location.path || undefined,
        line: r.location.startLine || undefined,
        contextValue: 'reminder',
      })),
    },
    {
      id: 'walkthroughs',
      label: `Walkthroughs (${walkthroughs.length})`,
      items: walkthroughs.map((w) => ({
        kind: 'walkthrough' as const,
        id: w.id,
        label: w.title,
        description: `${w.chapter_count} chapter${w.chapter_count === 1 ? '' : 's'}`,
        tooltip: w.description || undefined,
        contextValue: 'walkthrough',
      })),
    },
  ];
}

// The status bar: the open questions waiting on me.
export function statusOf(inbox: InboxResult): { text: string; tooltip: string } {
  const n = inbox.for_me.length;
  const noun = n === 1 ? 'question' : 'questions';
  return { text: `$(comment-discussion) ${n}`, tooltip: `Tacit: ${n} open ${noun} for you` };
}
