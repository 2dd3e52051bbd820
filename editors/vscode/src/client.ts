// The language client, as in the lsp-sample: `tacit serve` over stdio in the
// repository's root, the `tacit.trace.server` setting, and one piece of
// middleware — the server's code actions ("Add note here", "Ask about this
// code", "Add as a chapter of …") carry every argument but the text, which an
// editor has to ask the user for (docs/protocol.md).
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, Middleware, ServerOptions } from 'vscode-languageclient/node';
import { ServerCommands } from './protocol';

export type AskText = (command: string, args: Record<string, unknown>) => Promise<string | undefined>;

const needsBody = new Set<string>([ServerCommands.addNote, ServerCommands.ask, ServerCommands.walkthroughAddChapter]);

export function serverPath(): string {
  return vscode.workspace.getConfiguration('tacit').get<string>('server.path')?.trim() || 'tacit';
}

// `documents`: what else to do when a document is opened, saved or closed
// (after the server has been told, so that it can answer about it).
export function createClient(
  root: string,
  output: vscode.OutputChannel,
  askText: AskText,
  documents: Pick<Middleware, 'didOpen' | 'didSave' | 'didClose'>,
): LanguageClient {
  const serverOptions: ServerOptions = { command: serverPath(), args: ['serve'], options: { cwd: root } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file' }],
    outputChannel: output,
    middleware: {
      ...documents,
      executeCommand: async (command, args, next) => {
        const first = args[0] as Record<string, unknown> | undefined;
        if (needsBody.has(command) && first && typeof first === 'object' && first.body === undefined) {
          const body = await askText(command, first);
          if (body === undefined) return undefined; // cancelled
          return next(command, [{ ...first, body }, ...args.slice(1)]);
        }
        return next(command, args);
      },
    },
  };
  // The id 'tacit' makes the client read the `tacit.trace.server` setting.
  return new LanguageClient('tacit', 'Tacit', serverOptions, clientOptions);
}
