// How one thread from `tacit/threads` (with `full: true`) is drawn in VS Code's
// Comments UI: its label, its comments, whether it is resolved, and the
// contextValue that the package.json menus key their buttons on. Nothing here
// decides what is allowed: the buttons come from the server's `actions`.
import type { LocatedThread, Thread } from './protocol';

export interface CommentView {
  author: string;
  label: string; // question | note | lesson | answer | reply
  body: string; // Markdown, as written
  timestamp?: Date;
}

export interface ThreadView {
  label: string;
  contextValue: string;
  resolved: boolean;
  expanded: boolean;
  comments: CommentView[];
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

// `;reply;answer;ack;resolve;` from ["tacit.reply", "tacit.answer", ...]: menus
// match it with `commentThread =~ /;answer;/`.
export function contextValueOf(actions: readonly string[]): string {
  const verbs = actions.filter((a) => a.startsWith('tacit.')).map((a) => a.slice('tacit.'.length));
  return ';' + verbs.map((v) => v + ';').join('');
}

function date(s: string | undefined): Date | undefined {
  if (!s) return undefined;
  const d = new Date(s);
  return isNaN(d.getTime()) ? undefined : d;
}

export function commentsOf(thread: Thread): CommentView[] {
  const first: CommentView = {
    author: thread.author.name || thread.author.email,
    label: thread.kind,
    body: thread.body,
    timestamp: date(thread.created_at),
  };
  return [
    first,
    ...thread.replies.map((r) => ({
      author: r.author.name || r.author.email,
      label: r.edited_at ? `${r.kind} (edited)` : r.kind,
      body: r.body,
      timestamp: date(r.created_at),
    })),
  ];
}

const statusNote: Record<string, string> = {
  moved: 'moved',
  changed: 'code changed since',
  orphaned: 'code gone: last seen here',
};

export function labelOf(located: LocatedThread): string {
  const thread = located.thread;
  const parts = [capitalised(located.kind)];
  if (located.kind === 'question') parts.push(located.state);
  else if (located.state === 'resolved') parts.push('resolved');
  const author = thread?.author.name || located.author?.name;
  const assignees = thread?.assignees ?? located.assignees ?? [];
  if (author) parts.push(assignees.length ? `${author} → ${assignees.join(', ')}` : author);
  const acks = thread?.acks ?? [];
  if (acks.length && located.state === 'open') parts.push(`seen by ${acks.map((a) => a.author.name).join(', ')}`);
  if (statusNote[located.status]) parts.push(statusNote[located.status]);
  return parts.join(' · ');
}

export function threadView(located: LocatedThread): ThreadView {
  const comments = located.thread
    ? commentsOf(located.thread)
    : [{ author: located.author?.name ?? '', label: located.kind, body: located.title }];
  return {
    label: labelOf(located),
    contextValue: contextValueOf(located.actions),
    resolved: located.state === 'resolved',
    // Open questions wait on someone: shown open in the editor; the rest fold to a gutter icon.
    expanded: located.kind === 'question' && located.state === 'open',
    comments,
  };
}
