// Threads in VS Code's Comments UI: one CommentController; a CommentThread for
// each note, lesson and question in the open documents, from `tacit/threads`
// with `full: true`. The buttons on a thread are keyed by its contextValue,
// built from the actions the server says apply (threadView.ts).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { LocatedThread, Methods, ServerCommands, Thread, ThreadsResult } from './protocol';
import { CommentView, threadView } from './threadView';

class TacitComment implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  body: vscode.MarkdownString;
  author: vscode.CommentAuthorInformation;
  label: string;
  timestamp?: Date;
  contextValue: string;
  constructor(view: CommentView, pending = false) {
    // Bodies are teammates' Markdown: shown, never trusted (no command links, no HTML).
    this.body = new vscode.MarkdownString(view.body);
    this.author = { name: view.author };
    this.label = pending ? `${view.label} · sending…` : view.label;
    this.timestamp = view.timestamp;
    this.contextValue = pending ? 'pending' : view.label;
  }
}

interface Shown {
  thread: vscode.CommentThread;
  id: string;
  drawn: string; // what was drawn last, to leave an unchanged thread alone
}

export class ThreadComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController('tacit', 'Tacit');
  private readonly byDocument = new Map<string, Map<string, Shown>>();
  private readonly idOf = new WeakMap<vscode.CommentThread, string>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(
    private readonly client: LanguageClient,
    private readonly root: string,
    private readonly onWrite: () => void,
  ) {
    this.controller.options = { prompt: 'Reply, answer, or start a note or question', placeHolder: 'Markdown' };
    // A new comment may start on any line of a file in the repository.
    this.controller.commentingRangeProvider = {
      provideCommentingRanges: (document) =>
        this.inRepository(document) ? [new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), 0)] : [],
    };
  }

  dispose(): void {
    this.controller.dispose();
  }

  inRepository(document: vscode.TextDocument): boolean {
    return document.uri.scheme === 'file' && (document.uri.fsPath + '/').startsWith(this.root + '/');
  }

  // Every open document again (after `tacit/didChange` or a write of ours).
  refreshAll(): Promise<void> {
    return Promise.all(vscode.workspace.textDocuments.filter((d) => this.inRepository(d)).map((d) => this.refresh(d))).then(
      () => undefined,
    );
  }

  // One document again; calls that come while one runs are folded into one more run.
  refresh(document: vscode.TextDocument): Promise<void> {
    if (!this.inRepository(document)) return Promise.resolve();
    const key = document.uri.toString();
    const current = this.running.get(key);
    if (current) {
      this.again.add(key);
      return current;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        await this.load(document);
      } while (this.again.has(key));
    })().finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  closed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    for (const shown of this.byDocument.get(key)?.values() ?? []) shown.thread.dispose();
    this.byDocument.delete(key);
  }

  private async load(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return this.closed(document);
    let result: ThreadsResult;
    try {
      result = await this.client.sendRequest<ThreadsResult>(Methods.threads, {
        textDocument: { uri: this.client.code2ProtocolConverter.asUri(document.uri) },
        full: true,
      });
    } catch (e) {
      // Not open on the server yet (its didOpen middleware refreshes again), or outside the repository.
      this.client.outputChannel.appendLine(`tacit/threads ${document.uri.fsPath}: ${(e as Error).message}`);
      return;
    }
    const key = document.uri.toString();
    const before = this.byDocument.get(key) ?? new Map<string, Shown>();
    const after = new Map<string, Shown>();
    for (const located of result.threads) after.set(located.id, this.draw(document, located, before.get(located.id)));
    for (const [id, shown] of before) if (!after.has(id)) shown.thread.dispose();
    this.byDocument.set(key, after);
  }

  private draw(document: vscode.TextDocument, located: LocatedThread, shown: Shown | undefined): Shown {
    const view = threadView(located);
    // The server's range covers whole lines up to the start of the next one.
    const last = Math.max(located.range.start.line, located.range.end.line - 1);
    const range = new vscode.Range(located.range.start.line, 0, last, 0);
    const drawn = JSON.stringify([view, located.range]);
    if (shown && shown.drawn === drawn) return shown;
    const thread = shown?.thread ?? this.controller.createCommentThread(document.uri, range, []);
    if (!shown) {
      thread.collapsibleState = view.expanded
        ? vscode.CommentThreadCollapsibleState.Expanded
        : vscode.CommentThreadCollapsibleState.Collapsed;
    }
    thread.range = range;
    thread.label = view.label;
    thread.contextValue = view.contextValue;
    thread.canReply = view.contextValue.includes(';reply;');
    thread.state = view.resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
    thread.comments = view.comments.map((c) => new TacitComment(c));
    this.idOf.set(thread, located.id);
    return { thread, id: located.id, drawn };
  }

  // --- the thread's own UI (package.json: comments/commentThread/*) ---

  // Reply or answer with the text of the reply box; shown at once as pending.
  async write(command: string, reply: vscode.CommentReply): Promise<void> {
    const id = this.idOf.get(reply.thread);
    const body = reply.text.trim();
    if (!id || !body) return;
    const label = command === ServerCommands.answer ? 'answer' : 'reply';
    const before = reply.thread.comments;
    reply.thread.comments = [...before, new TacitComment({ author: 'you', label, body }, true)];
    try {
      await this.execute(command, { id, body });
    } catch (e) {
      reply.thread.comments = before;
      void vscode.window.showErrorMessage(`Tacit: ${(e as Error).message}`);
    }
  }

  // A verb without text (ack, resolve, reopen) from the thread's title bar.
  async verb(command: string, thread: vscode.CommentThread): Promise<void> {
    const id = this.idOf.get(thread);
    if (!id) return;
    try {
      await this.execute(command, { id });
    } catch (e) {
      void vscode.window.showErrorMessage(`Tacit: ${(e as Error).message}`);
    }
  }

  // A comment on a new thread (the gutter's "+"): a note, lesson or question on its lines.
  async create(kind: 'note' | 'lesson' | 'question', reply: vscode.CommentReply): Promise<void> {
    const body = reply.text.trim();
    if (!body) return;
    const range = reply.thread.range ?? new vscode.Range(0, 0, 0, 0);
    const args = {
      uri: this.client.code2ProtocolConverter.asUri(reply.thread.uri),
      startLine: range.start.line,
      endLine: range.end.line,
      body,
      ...(kind === 'lesson' ? { lesson: true } : {}),
    };
    reply.thread.comments = [new TacitComment({ author: 'you', label: kind, body }, true)];
    try {
      await this.execute(kind === 'question' ? ServerCommands.ask : ServerCommands.addNote, args);
      reply.thread.dispose(); // the server's thread takes its place
    } catch (e) {
      reply.thread.comments = [];
      void vscode.window.showErrorMessage(`Tacit: ${(e as Error).message}`);
    }
  }

  private async execute(command: string, args: Record<string, unknown>): Promise<Thread | unknown> {
    const result = await this.client.sendRequest('workspace/executeCommand', { command, arguments: [args] });
    await this.refreshAll();
    this.onWrite();
    return result;
  }
}
