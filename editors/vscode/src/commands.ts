// The palette commands: each asks the user what the server cannot (text, a
// time, a choice) and hands the rest to the server.
import { spawn } from 'child_process';
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { serverPath } from './client';
import { ServerCommands, Walkthrough } from './protocol';
import { recipients, reminderWhen, selectedLines } from './userInput';

interface SimilarQuestion {
  id: string;
  body: string;
  state: string;
  author: { name: string; email: string };
  answer: string | null;
}
interface SymbolHit {
  name: string;
  containerName?: string;
  location: { uri: string; range: { start: { line: number; character: number } } };
}
interface PlayResult {
  shown: boolean;
  uri?: string;
  range?: { start: { line: number } };
  chapter: number;
  of: number;
  title: string;
  walkthrough: string;
}

export class Commands {
  private lastWalkthrough: string | undefined;

  constructor(
    private readonly client: LanguageClient,
    private readonly root: string,
    private readonly afterWrite: () => Promise<void>,
  ) {}

  execute<T>(command: string, args: unknown): Promise<T> {
    return this.client.sendRequest<T>('workspace/executeCommand', { command, arguments: [args] });
  }

  // Where the cursor or selection is, as the server counts lines.
  private here(): { uri: string; startLine: number; endLine: number } | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== 'file') {
      void vscode.window.showWarningMessage('Tacit: open a file of the repository first.');
      return undefined;
    }
    const { start, end } = editor.selection;
    return { uri: this.client.code2ProtocolConverter.asUri(editor.document.uri), ...selectedLines(start, end) };
  }

  private static lines(at: { startLine: number; endLine: number }): string {
    return at.startLine === at.endLine ? `line ${at.startLine + 1}` : `lines ${at.startLine + 1}–${at.endLine + 1}`;
  }

  // The text of a note, lesson or question; also for the server's code actions (client.ts).
  async askText(command: string, args: Record<string, unknown>): Promise<string | undefined> {
    const what =
      command === ServerCommands.ask ? 'Question' : command === ServerCommands.walkthroughAddChapter ? 'Chapter' : args.lesson ? 'Lesson' : 'Note';
    const at = typeof args.startLine === 'number' ? ` on ${Commands.lines(args as { startLine: number; endLine: number })}` : '';
    const text = await vscode.window.showInputBox({
      title: `Tacit: ${what}${at}`,
      prompt: 'Markdown; teammates get it on sync',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Write something'),
    });
    return text?.trim() || undefined;
  }

  async addNote(lesson: boolean): Promise<void> {
    const at = this.here();
    if (!at) return;
    const args = { ...at, ...(lesson ? { lesson: true } : {}) };
    const body = await this.askText(ServerCommands.addNote, args);
    if (!body) return;
    await this.run(ServerCommands.addNote, { ...args, body }, lesson ? 'Lesson added' : 'Note added');
  }

  async ask(): Promise<void> {
    const at = this.here();
    if (at) await this.askAt(at);
  }

  // The question's text, the answered questions like it ("asked before?"), whom to ask;
  // then the server asks it. Also for the server's "Ask about this code" (client.ts).
  async askAt(at: { uri: string; startLine: number; endLine: number }): Promise<unknown> {
    const body = await this.askText(ServerCommands.ask, at);
    if (!body) return;
    // "Asked before?": answered questions like this one, before it is sent.
    const similar = await this.execute<SimilarQuestion[]>(ServerCommands.similarQuestions, { text: body }).catch(
      () => [] as SimilarQuestion[],
    );
    if (similar.length) {
      const askAnyway = { label: '$(send) Ask anyway', id: '' };
      const picked = await vscode.window.showQuickPick(
        [
          askAnyway,
          ...similar.map((q) => ({
            label: q.body.split('\n', 1)[0],
            description: `${q.state} · ${q.author.name}`,
            detail: q.answer ? `Answer: ${q.answer}` : undefined,
            id: q.id,
          })),
        ],
        { title: 'Tacit: asked before?', placeHolder: 'Pick an earlier question to read it, or ask anyway' },
      );
      if (!picked) return;
      if (picked.id) {
        const q = similar.find((s) => s.id === picked.id)!;
        void vscode.window.showInformationMessage(`${q.body.split('\n', 1)[0]} — ${q.answer ?? q.state}`);
        return;
      }
    }
    const to = await vscode.window.showInputBox({
      title: 'Tacit: ask whom?',
      prompt: 'Email addresses, comma-separated (empty: anyone)',
      ignoreFocusOut: true,
    });
    if (to === undefined) return;
    const people = recipients(to);
    return this.run(ServerCommands.ask, { ...at, body, ...(people.length ? { to: people } : {}) }, 'Question asked');
  }

  async search(): Promise<void> {
    const query = await vscode.window.showInputBox({ title: 'Tacit: search knowledge', prompt: 'Words to find in notes, lessons, questions and replies' });
    if (!query?.trim()) return;
    const hits = (await this.client.sendRequest<SymbolHit[] | null>('workspace/symbol', { query })) ?? [];
    if (!hits.length) {
      void vscode.window.showInformationMessage(`Tacit: nothing found for "${query}".`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      hits.map((h) => {
        const uri = this.client.protocol2CodeConverter.asUri(h.location.uri);
        return {
          label: h.name,
          description: h.containerName,
          detail: `${path.relative(this.root, uri.fsPath)}:${h.location.range.start.line + 1}`,
          hit: h,
          uri,
        };
      }),
      { title: `Tacit: "${query}"`, matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return;
    const line = picked.hit.location.range.start.line;
    await vscode.window.showTextDocument(picked.uri, { selection: new vscode.Range(line, 0, line, 0) });
  }

  async playWalkthrough(id?: string): Promise<void> {
    if (!id) {
      const all = await this.execute<Walkthrough[]>(ServerCommands.walkthroughList, {});
      if (!all.length) {
        void vscode.window.showInformationMessage('Tacit: no walkthroughs yet (tacit walkthrough create).');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        all.map((w) => ({ label: w.title, description: `${w.chapter_count} chapters`, detail: w.description, id: w.id })),
        { title: 'Tacit: play a walkthrough' },
      );
      if (!picked) return;
      id = picked.id;
    }
    await this.play(ServerCommands.walkthroughPlay, { walkthrough: id });
  }

  async stepWalkthrough(next: boolean): Promise<void> {
    if (!this.lastWalkthrough) return this.playWalkthrough();
    await this.play(next ? ServerCommands.walkthroughNext : ServerCommands.walkthroughPrevious, {
      walkthrough: this.lastWalkthrough,
    });
  }

  private async play(command: string, args: { walkthrough: string }): Promise<void> {
    try {
      const r = await this.execute<PlayResult>(command, args);
      this.lastWalkthrough = r.walkthrough ?? args.walkthrough;
      // The server opened the chapter with window/showDocument, unless the editor could not.
      if (!r.shown && r.uri && r.range) {
        const line = r.range.start.line;
        await vscode.window.showTextDocument(this.client.protocol2CodeConverter.asUri(r.uri), {
          selection: new vscode.Range(line, 0, line, 0),
        });
      }
      vscode.window.setStatusBarMessage(`Tacit: ${r.title} · chapter ${r.chapter} of ${r.of}`, 5000);
    } catch (e) {
      void vscode.window.showErrorMessage(`Tacit: ${(e as Error).message}`);
    }
  }

  async remindMe(): Promise<void> {
    const at = this.here();
    if (!at) return;
    const when = await vscode.window.showInputBox({
      title: `Tacit: remind me about ${Commands.lines(at)}`,
      prompt: 'When? 10m, 1h30m, 17:00, tomorrow 09:00, friday 14:30, or RFC 3339',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Say when'),
    });
    if (!when) return;
    const text = await vscode.window.showInputBox({ title: 'Tacit: reminder text (optional)', ignoreFocusOut: true });
    if (text === undefined) return;
    const result = await this.run<{ dueAt?: string }>(ServerCommands.remind, {
      ...at,
      ...reminderWhen(when),
      ...(text.trim() ? { text: text.trim() } : {}),
    });
    if (result?.dueAt) void vscode.window.showInformationMessage(`Tacit: reminder due ${new Date(result.dueAt).toLocaleString()}`);
  }

  // A reminder's Snooze or Done from the inbox.
  async reminderVerb(command: string, id: string): Promise<void> {
    await this.run(command, { id });
  }

  // Answer a question from the inbox.
  async answer(id: string, title: string): Promise<void> {
    const body = await vscode.window.showInputBox({ title: `Tacit: answer "${title}"`, prompt: 'Markdown', ignoreFocusOut: true });
    if (!body?.trim()) return;
    await this.run(ServerCommands.answer, { id, body: body.trim() }, 'Answered');
  }

  // `tacit sync` in the repository: the server sees the fetched refs and sends tacit/didChange.
  async sync(): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Tacit: syncing with origin…' },
      () =>
        new Promise<void>((resolve) => {
          const child = spawn(serverPath(), ['sync'], { cwd: this.root });
          let output = '';
          child.stdout.on('data', (d) => (output += d));
          child.stderr.on('data', (d) => (output += d));
          child.on('error', (e) => {
            void vscode.window.showErrorMessage(`Tacit: sync could not start ${serverPath()}: ${e.message}`);
            resolve();
          });
          child.on('close', (code) => {
            const text = output.trim().split('\n').pop() ?? '';
            if (code === 0) void vscode.window.showInformationMessage(`Tacit: synced${text ? ` — ${text}` : ''}`);
            else void vscode.window.showErrorMessage(`Tacit: sync failed — ${text || `exit ${code}`}`);
            resolve();
          });
        }),
    );
    await this.afterWrite();
  }

  private async run<T>(command: string, args: unknown, done?: string): Promise<T | undefined> {
    try {
      const result = await this.execute<T>(command, args);
      await this.afterWrite();
      if (done) vscode.window.setStatusBarMessage(`Tacit: ${done}`, 4000);
      return result;
    } catch (e) {
      void vscode.window.showErrorMessage(`Tacit: ${(e as Error).message}`);
      return undefined;
    }
  }
}
