// Tacit for VS Code: a thin client of `tacit serve`. It starts the server in
// the git repository of the workspace and draws what the server says — threads
// in the Comments UI, an inbox, a status-bar count — while CodeLens, hovers,
// inlay hints, code actions and diagnostics come straight from the server
// through vscode-languageclient.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/node';
import { createClient, serverPath } from './client';
import { Commands } from './commands';
import { ThreadComments } from './comments';
import { findGitRoot } from './gitRoot';
import { Inbox, itemOf } from './inbox';
import { handleMessageRequests } from './notifications';
import { Methods, ServerCommands } from './protocol';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Tacit');
  context.subscriptions.push(output);
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file' && findGitRoot(f.uri.fsPath));
  if (!folder) {
    output.appendLine('No workspace folder is in a git repository: Tacit stays idle.');
    return;
  }
  const root = findGitRoot(folder.uri.fsPath)!;
  output.appendLine(`Tacit: repository ${root}`);
  void vscode.commands.executeCommand('setContext', 'tacit.active', true);

  let comments: ThreadComments | undefined;
  let commands: Commands | undefined;
  let inbox: Inbox | undefined;
  const refreshEverything = async () => {
    await Promise.all([comments?.refreshAll(), inbox?.refresh()]);
  };
  const prompts = {
    text: (command: string, args: Record<string, unknown>) => commands!.askText(command, args),
    question: (at: { uri: string; startLine: number; endLine: number }) => commands!.askAt(at),
  };
  const lc = createClient(root, output, prompts, {
    // Threads of a document once the server has it, and again when it is saved.
    didOpen: async (document, next) => {
      await next(document);
      void comments?.refresh(document);
    },
    didSave: async (document, next) => {
      await next(document);
      void comments?.refresh(document);
    },
    didClose: async (document, next) => {
      comments?.closed(document);
      await next(document);
    },
  }, () => void refreshEverything());
  client = lc;
  commands = new Commands(lc, root, refreshEverything);
  comments = new ThreadComments(lc, root, () => void inbox?.refresh());
  inbox = new Inbox(lc, root);
  context.subscriptions.push(comments, inbox);

  const c = commands;
  const threadCommand = (verb: string) => (thread: vscode.CommentThread) => comments!.verb(verb, thread);
  const replyCommand = (verb: string) => (reply: vscode.CommentReply) => comments!.write(verb, reply);
  const register = (id: string, f: (...args: any[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, f));
  register('tacit.vscode.addNote', () => c.addNote(false));
  register('tacit.vscode.addLesson', () => c.addNote(true));
  register('tacit.vscode.ask', () => c.ask());
  register('tacit.vscode.search', () => c.search());
  register('tacit.vscode.openInbox', async () => {
    await vscode.commands.executeCommand('tacit.inbox.focus');
    await inbox!.refresh();
  });
  register('tacit.vscode.refreshInbox', () => inbox!.refresh());
  register('tacit.vscode.playWalkthrough', (id?: string) => c.playWalkthrough(typeof id === 'string' ? id : undefined));
  register('tacit.vscode.nextChapter', () => c.stepWalkthrough(true));
  register('tacit.vscode.previousChapter', () => c.stepWalkthrough(false));
  register('tacit.vscode.remindMe', () => c.remindMe());
  register('tacit.vscode.sync', () => c.sync());
  register('tacit.vscode.thread.reply', replyCommand(ServerCommands.reply));
  register('tacit.vscode.thread.answer', replyCommand(ServerCommands.answer));
  register('tacit.vscode.thread.ack', threadCommand(ServerCommands.ack));
  register('tacit.vscode.thread.resolve', threadCommand(ServerCommands.resolve));
  register('tacit.vscode.thread.reopen', threadCommand(ServerCommands.reopen));
  register('tacit.vscode.thread.addNote', (reply: vscode.CommentReply) => comments!.create('note', reply));
  register('tacit.vscode.thread.addLesson', (reply: vscode.CommentReply) => comments!.create('lesson', reply));
  register('tacit.vscode.thread.ask', (reply: vscode.CommentReply) => comments!.create('question', reply));
  register('tacit.vscode.inbox.answer', (node: unknown) => {
    const item = itemOf(node);
    if (item) return c.answer(item.id, item.label);
  });
  register('tacit.vscode.inbox.snooze', (node: unknown) => {
    const item = itemOf(node);
    if (item) return c.reminderVerb('tacit.snooze', item.id);
  });
  register('tacit.vscode.inbox.done', (node: unknown) => {
    const item = itemOf(node);
    if (item) return c.reminderVerb('tacit.done', item.id);
  });

  try {
    await lc.start();
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Tacit: could not start "${serverPath()} serve" (setting tacit.server.path): ${(e as Error).message}`,
    );
    return;
  }
  context.subscriptions.push(
    // The knowledge changed underneath (the command line, a sync): everything again.
    lc.onNotification(Methods.didChange, () => void refreshEverything()),
    handleMessageRequests(lc, () => void inbox!.refresh()),
  );
  await refreshEverything();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
