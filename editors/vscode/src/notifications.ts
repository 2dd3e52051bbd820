// The server's window/showMessageRequest (a reminder that fell due, with Open,
// Snooze 10 min and Done) as a VS Code notification with those buttons. The
// choice goes back to the server, which acts on it (opens the lines with
// window/showDocument, snoozes, marks done); then the inbox is asked again.
import * as vscode from 'vscode';
import { LanguageClient, MessageActionItem, MessageType, ShowMessageRequest } from 'vscode-languageclient/node';

export function handleMessageRequests(client: LanguageClient, afterChoice: () => void): vscode.Disposable {
  return client.onRequest(ShowMessageRequest.type, async (params) => {
    const actions: MessageActionItem[] = params.actions ?? [];
    const show =
      params.type === MessageType.Error
        ? vscode.window.showErrorMessage
        : params.type === MessageType.Warning
          ? vscode.window.showWarningMessage
          : vscode.window.showInformationMessage;
    const chosen = await show<MessageActionItem>(params.message, ...actions);
    // After the answer has gone: the server acts on it, then tacit/didChange follows anyway.
    if (chosen) setImmediate(afterChoice);
    return chosen ?? null;
  });
}
