// The inbox tree view (questions for me, my unanswered questions, due
// reminders, walkthroughs) and the status-bar count of open questions for me,
// from `tacit/inbox` and `tacit.walkthrough.list`.
import * as path from 'path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { InboxItem, InboxSection, inboxSections, statusOf } from './inboxModel';
import { InboxResult, Methods, ServerCommands, Walkthrough } from './protocol';

type Node = { section: InboxSection } | { item: InboxItem };

export class Inbox implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private sections: InboxSection[] = [];
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly status = vscode.window.createStatusBarItem('tacit.questions', vscode.StatusBarAlignment.Left, 10);
  private readonly view: vscode.TreeView<Node>;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly client: LanguageClient,
    private readonly root: string,
  ) {
    this.view = vscode.window.createTreeView('tacit.inbox', { treeDataProvider: this, showCollapseAll: true });
    this.status.name = 'Tacit questions for me';
    this.status.command = 'tacit.vscode.openInbox';
  }

  dispose(): void {
    this.view.dispose();
    this.status.dispose();
    this.changed.dispose();
  }

  // Asks the server again; calls that come while one runs are folded into one more run.
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.load();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async load(): Promise<void> {
    try {
      const [inbox, walkthroughs] = await Promise.all([
        this.client.sendRequest<InboxResult>(Methods.inbox, {}),
        this.client.sendRequest<Walkthrough[]>('workspace/executeCommand', {
          command: ServerCommands.walkthroughList,
          arguments: [{}],
        }),
      ]);
      this.sections = inboxSections(inbox, walkthroughs ?? []);
      const { text, tooltip } = statusOf(inbox);
      this.status.text = text;
      this.status.tooltip = tooltip;
      this.status.accessibilityInformation = { label: tooltip };
      this.status.show();
      this.view.message = undefined;
    } catch (e) {
      this.sections = [];
      this.status.hide();
      this.view.message = `The inbox is unavailable: ${(e as Error).message}`;
    }
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.sections.map((section) => ({ section }));
    return 'section' in node ? node.section.items.map((item) => ({ item })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if ('section' in node) {
      const s = node.section;
      const item = new vscode.TreeItem(
        s.label,
        s.items.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
      );
      // The id changes with emptiness: a section that was empty (not expandable) opens when filled.
      item.id = `${s.id}:${s.items.length ? 'filled' : 'empty'}`;
      item.contextValue = `section.${s.id}`;
      return item;
    }
    const i = node.item;
    const item = new vscode.TreeItem(i.label, vscode.TreeItemCollapsibleState.None);
    item.id = `${i.kind}:${i.id}`;
    item.description = i.description;
    item.tooltip = i.tooltip;
    item.contextValue = i.contextValue;
    item.iconPath = new vscode.ThemeIcon(
      i.kind === 'walkthrough' ? 'book' : i.kind === 'reminder' ? 'bell' : 'comment-discussion',
    );
    if (i.kind === 'walkthrough') {
      item.command = { title: 'Play', command: 'tacit.vscode.playWalkthrough', arguments: [i.id] };
    } else if (i.path) {
      const line = Math.max(0, (i.line ?? 1) - 1);
      item.command = {
        title: 'Open',
        command: 'vscode.open',
        arguments: [vscode.Uri.file(path.join(this.root, i.path)), { selection: new vscode.Range(line, 0, line, 0) }],
      };
    }
    return item;
  }
}

// The inbox item a context-menu command was run on.
export function itemOf(node: unknown): InboxItem | undefined {
  return node && typeof node === 'object' && 'item' in node ? (node as { item: InboxItem }).item : undefined;
}
