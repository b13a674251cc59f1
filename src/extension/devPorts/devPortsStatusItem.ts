// The dev-server port item in the status bar: the presenter's view (text, tooltip, warning) put on a
// real StatusBarItem. An idle check usually changes nothing: then nothing is sent to the workbench.
import * as vscode from 'vscode';
import { renderStatusBar, type PortStatus, type StatusBarMode, type StatusBarView } from './devPortsSummary';

export const SHOW_ACTIONS_COMMAND = 'portInspector.devPorts.showActions';

export class DevPortsStatusItem implements vscode.Disposable {
  /** The workbench item itself (the test API hands it out so tests read what a user sees). */
  readonly item: vscode.StatusBarItem;
  private view: StatusBarView = { visible: false, text: '', warning: false, tooltip: '' };
  private rendered = false;

  constructor() {
    this.item = vscode.window.createStatusBarItem('portInspector.devPorts', vscode.StatusBarAlignment.Left, 10);
    this.item.name = vscode.l10n.t('Port Inspector: Dev-Server Ports');
    this.item.command = SHOW_ACTIONS_COMMAND;
  }

  /** What the item shows now, with its background colour and command as the workbench has them. */
  get state(): StatusBarView & { backgroundColor: string | undefined; command: string | undefined } {
    return {
      ...this.view,
      backgroundColor: this.item.backgroundColor instanceof vscode.ThemeColor ? this.item.backgroundColor.id : undefined,
      command: typeof this.item.command === 'string' ? this.item.command : this.item.command?.command,
    };
  }

  render(statuses: readonly PortStatus[], mode: StatusBarMode, problems: readonly string[]): void {
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const view = renderStatusBar(statuses, mode, multiRoot, problems, vscode.l10n);
    const same = this.rendered && view.text === this.view.text && view.tooltip === this.view.tooltip && view.visible === this.view.visible && view.warning === this.view.warning;
    this.view = view;
    if (same) { return; }
    this.rendered = true;
    this.item.text = this.view.text;
    const tooltip = new vscode.MarkdownString(this.view.tooltip, true);
    this.item.tooltip = tooltip;
    this.item.backgroundColor = this.view.warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: this.view.warning ? vscode.l10n.t('Dev-server port warning: {0}', this.view.text.replace(/\$\([^)]*\)\s*/g, '')) : vscode.l10n.t('{0} dev-server ports watched, none taken by another process', statuses.length) };
    if (this.view.visible) { this.item.show(); } else { this.item.hide(); }
  }

  dispose(): void {
    this.item.dispose();
  }
}
