// From "which process holds which watched port" to what the status bar says. Pure: the extension
// supplies terminals, folders and ancestry; everything here is plain data and text.
import * as path from 'node:path';
import { english, type L10n } from '../../core/l10n';
import type { PortHolder, ProcessInfo, Protocol } from '../../core/model';
import { describeSource, type PortSource } from '../../core/workspace/watchList';
import { labelText, markdownInlineCode, markdownText } from '../shared/markdownText';

export type HolderOwnership =
  | { kind: 'terminal'; terminalPid: number; terminalName: string; taskName?: string }
  | { kind: 'workspace'; folder: string }
  | { kind: 'vscode' }
  | { kind: 'other' };

export interface HolderStatus {
  holder: PortHolder;
  ownership: HolderOwnership;
}

/** free: nobody; own: only this workspace / VS Code; conflict: someone else; hidden: taken, owner not visible. */
export type PortState = 'free' | 'own' | 'conflict' | 'hidden';

export interface PortStatus {
  port: number;
  protocol: Protocol;
  sources: PortSource[];
  state: PortState;
  holders: HolderStatus[];
  /** The user chose "Ignore This Port": listed, never warned about. */
  ignored: boolean;
}

export interface OwnershipContext {
  /** Shell pid of each integrated terminal of this window → its name. */
  terminals: ReadonlyMap<number, string>;
  /** Shell pid of each running task of this window → the task's name. */
  tasks?: ReadonlyMap<number, string>;
  /** Workspace folders (real paths). */
  folders: readonly { name: string; path: string }[];
  /** The extension host and its ancestors: VS Code itself. */
  vscodePids: ReadonlySet<number>;
}

export function isInsideFolder(dir: string, folder: string): boolean {
  if (!dir || !folder) { return false; }
  const rel = path.relative(folder, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Whose is this process? `ancestors` is its parent chain (parent first). A process started from
 * one of this window's terminals is the workspace's own even when its cwd is elsewhere.
 */
export function classifyHolder(holder: ProcessInfo, ancestors: readonly number[], ctx: OwnershipContext): HolderOwnership {
  for (const pid of [holder.pid, ...ancestors]) {
    const name = ctx.terminals.get(pid);
    const task = ctx.tasks?.get(pid);
    if (name !== undefined) { return task === undefined ? { kind: 'terminal', terminalPid: pid, terminalName: name } : { kind: 'terminal', terminalPid: pid, terminalName: name, taskName: task }; }
  }
  if (ctx.vscodePids.has(holder.pid)) { return { kind: 'vscode' }; }
  const folder = ctx.folders.find(f => isInsideFolder(holder.cwd, f.path));
  if (folder) { return { kind: 'workspace', folder: folder.name }; }
  return { kind: 'other' };
}

export function portState(socketCount: number, holders: readonly HolderStatus[], holderHidden: boolean): PortState {
  if (socketCount === 0) { return 'free'; }
  if (holders.some(h => h.ownership.kind === 'other')) { return 'conflict'; }
  if (holderHidden || holders.length === 0) { return 'hidden'; }
  return 'own';
}

/** Ports that warrant the warning: taken by someone else and not ignored. */
export function conflicts(statuses: readonly PortStatus[]): PortStatus[] {
  return statuses.filter(s => !s.ignored && (s.state === 'conflict' || s.state === 'hidden'));
}

export type StatusBarMode = 'auto' | 'always' | 'warningsOnly' | 'hidden';

export interface StatusBarView {
  visible: boolean;
  text: string;
  warning: boolean;
  /** Markdown (theme icons enabled). */
  tooltip: string;
}

export function holderLabel(h: PortHolder): string {
  return `${labelText(h.name || '?', 40)} (${h.pid})`;
}

function portLabel(s: { port: number; protocol: Protocol }): string {
  return s.protocol === 'udp' ? `${s.port}/udp` : String(s.port);
}

export function conflictText(s: PortStatus, l10n: L10n = english): string {
  const other = s.holders.find(h => h.ownership.kind === 'other');
  return other ? l10n.t('{0} taken by {1}', portLabel(s), holderLabel(other.holder)) : l10n.t('{0} taken (owner not visible)', portLabel(s));
}

// Names, command lines, script names and paths come from other processes and from the workspace's
// files: they are shown as text (markdownText.ts), never as Markdown.
const escapeMd = (text: string) => markdownText(text, 200);
const code = (text: string, max = 120) => markdownInlineCode(text, max);

function holderLine(h: HolderStatus, l10n: L10n): string {
  const who = h.holder.user ? l10n.t('{0} (pid {1}, {2})', escapeMd(h.holder.name || '?'), h.holder.pid, escapeMd(h.holder.user)) : l10n.t('{0} (pid {1})', escapeMd(h.holder.name || '?'), h.holder.pid);
  const where = h.ownership.kind === 'terminal' ? (h.ownership.taskName !== undefined ? l10n.t(' — from task "{0}"', escapeMd(h.ownership.taskName)) : l10n.t(' — from terminal "{0}"', escapeMd(h.ownership.terminalName)))
    : h.ownership.kind === 'workspace' ? l10n.t(' — cwd in {0}', escapeMd(h.ownership.folder))
    : h.ownership.kind === 'vscode' ? l10n.t(' — VS Code itself') : h.holder.cwd ? l10n.t(' — cwd {0}', code(h.holder.cwd, 80)) : '';
  return `${who}${where}: ${code(h.holder.commandLine || `[${h.holder.name}]`)}`;
}

export function renderStatusBar(statuses: readonly PortStatus[], mode: StatusBarMode, multiRoot: boolean, problems: readonly string[] = [], l10n: L10n = english): StatusBarView {
  const bad = conflicts(statuses);
  const warning = bad.length > 0;
  const text = warning
    ? `$(warning) ${conflictText(bad[0], l10n)}${bad.length > 1 ? ` +${bad.length - 1}` : ''}`
    : `$(radio-tower) ${statuses.length}`;
  const visible = mode === 'hidden' ? false
    : warning ? true
    : mode === 'always' ? true
    : mode === 'auto' ? statuses.length > 0 : false;

  const lines: string[] = [];
  lines.push(l10n.t('**Dev-server ports**'));
  lines.push('');
  if (statuses.length === 0) { lines.push(l10n.t('No ports watched: none detected in the workspace and `portInspector.watchPorts` is empty.')); }
  const ordered = [...statuses].sort((a, b) => rank(a) - rank(b) || a.port - b.port);
  const MAX_FREE = 20;
  let freeShown = 0;
  for (const s of ordered) {
    if (s.state === 'free' && ++freeShown > MAX_FREE) { continue; }
    const icon = s.ignored ? '$(circle-slash)' : s.state === 'free' ? '$(pass)' : s.state === 'own' ? '$(terminal)' : '$(warning)';
    const what = s.state === 'free' ? l10n.t('free')
      : s.state === 'own' ? l10n.t('held by this workspace')
      : s.state === 'hidden' ? l10n.t("taken — owner not visible (another user's process?)") : l10n.t('taken');
    lines.push(`${icon} **${portLabel(s)}** ${what}${s.ignored ? l10n.t(' (ignored)') : ''}`);
    for (const h of s.holders) { lines.push(`- ${holderLine(h, l10n)}`); }
    for (const src of s.sources) { lines.push(`- ${l10n.t('detected: {0}', escapeMd(describeSource(src, multiRoot)))}`); }
    lines.push('');
  }
  if (freeShown > MAX_FREE) { lines.push(l10n.t('…and {0} more free ports', freeShown - MAX_FREE), ''); }
  for (const p of problems) { lines.push(`$(info) ${escapeMd(p)}`, ''); }
  lines.push(warning ? l10n.t('Click for Kill / Force Kill / Reveal / Ignore.') : l10n.t('Click for actions.'));
  return { visible, text, warning, tooltip: lines.join('\n') };
}

function rank(s: PortStatus): number {
  if (s.ignored) { return 3; }
  return s.state === 'conflict' || s.state === 'hidden' ? 0 : s.state === 'own' ? 1 : 2;
}
