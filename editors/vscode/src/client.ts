// The language client, as in the lsp-sample: `tacit serve` over stdio in the
// repository's root, the `tacit.trace.server` setting, and one piece of
// middleware — the server's code actions ("Add note here", "Ask about this
// code", "Add as a chapter of …") carry every argument but the text, which an
// editor has to ask the user for (docs/protocol.md).
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, Middleware, ServerOptions } from 'vscode-languageclient/node';
import { ServerCommands } from './protocol';

// What the user is asked before a code action's command runs: the text of a note or a
// chapter; a whole question (text, "asked before?", whom), which then runs on its own.
export interface Prompts {
  text(command: string, args: Record<string, unknown>): Promise<string | undefined>;
  question(at: { uri: string; startLine: number; endLine: number }): Promise<unknown>;
}

const needsBody = new Set<string>([ServerCommands.addNote, ServerCommands.walkthroughAddChapter]);

export function serverPath(): string {
  return vscode.workspace.getConfiguration('tacit').get<string>('server.path')?.trim() || 'tacit';
}

// `documents`: what else to do when a document is opened, saved or closed
// (after the server has been told, so that it can answer about it); `afterCommand`: after a
// command of the server's ran from VS Code (a lens, a code action).
export function createClient(
  root: string,
  output: vscode.OutputChannel,
  prompts: Prompts,
  documents: Pick<Middleware, 'didOpen' | 'didSave' | 'didClose'>,
  afterCommand: () => void,
): LanguageClient {
  const serverOptions: ServerOptions = { command: serverPath(), args: ['serve'], options: { cwd: root } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }],
    outputChannel: output,
    middleware: {
      ...documents,
      executeCommand: async (command, args, next) => {
        const first = args[0] as Record<string, unknown> | undefined;
        const withoutBody = first && typeof first === 'object' && first.body === undefined;
        if (command === ServerCommands.ask && withoutBody) {
          return prompts.question(first as { uri: string; startLine: number; endLine: number });
        }
        if (needsBody.has(command) && withoutBody) {
          const body = await prompts.text(command, first);
          if (body === undefined) return undefined; // cancelled
          args = [{ ...first, body }, ...args.slice(1)];
        }
        // The server tells of its own writes with lens refreshes only: threads and inbox again.
        const result = await next(command, args);
        afterCommand();
        return result;
      },
    },
  };
  // The id 'tacit' makes the client read the `tacit.trace.server` setting.
  return new LanguageClient('tacit', 'Tacit', serverOptions, clientOptions);
}
