// What `tacit serve` answers (docs/protocol.md, docs/cli.md "JSON output"): plain
// types, no behaviour, and nothing from `vscode`, so the modules built on them
// can be tested in plain Node.

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface Person { name: string; email: string }

// One thread as `tacit show --json` prints it.
export interface Reply {
  id: string;
  kind: string; // reply | answer
  author: Person;
  created_at: string;
  body: string;
  edited_at?: string;
}
export interface Thread {
  id: string;
  kind: string; // note | lesson | question
  state: string; // open | answered | resolved
  private?: boolean;
  body: string;
  author: Person;
  assignees: string[];
  created_at: string;
  updated_at: string;
  replies: Reply[];
  acks?: { author: Person; at: string }[];
  location?: { path: string; start_line: number; end_line: number; status: string; confidence: number };
}

// One entry of `tacit/threads` (with `full: true`, `thread` is the whole thread).
export interface LocatedThread {
  id: string;
  kind: string;
  state: string;
  title: string;
  range: Range;
  status: string; // exact | moved | changed | orphaned
  confidence: number;
  actions: string[];
  author?: Person;
  assignees?: string[];
  replies?: number;
  latest?: { author: string; text: string };
  thread?: Thread;
}
export interface ThreadsResult { threads: LocatedThread[] }

export interface Reminder {
  id: string;
  text: string;
  dueAt: string | null;
  doneAt: string | null;
  title?: string;
  thread?: string;
  location: { path: string; startLine: number; endLine: number; status: string };
}
export interface InboxResult {
  for_me: Thread[];
  waiting: Thread[];
  news: { what: string; by: Person; at: string; body?: string; thread: Thread }[];
  reminders?: Reminder[];
}
export interface Walkthrough {
  id: string;
  title: string;
  description?: string;
  chapter_count: number;
}

// Tacit's own requests and notifications.
export const Methods = {
  threads: 'tacit/threads',
  inbox: 'tacit/inbox',
  didChange: 'tacit/didChange',
} as const;

// The server's workspace/executeCommand ids this client calls.
export const ServerCommands = {
  addNote: 'tacit.addNote',
  ask: 'tacit.ask',
  reply: 'tacit.reply',
  answer: 'tacit.answer',
  ack: 'tacit.ack',
  resolve: 'tacit.resolve',
  reopen: 'tacit.reopen',
  remind: 'tacit.remind',
  similarQuestions: 'tacit.similarQuestions',
  walkthroughList: 'tacit.walkthrough.list',
  walkthroughPlay: 'tacit.walkthrough.play',
  walkthroughNext: 'tacit.walkthrough.next',
  walkthroughPrevious: 'tacit.walkthrough.previous',
  walkthroughAddChapter: 'tacit.walkthrough.addChapter',
} as const;
