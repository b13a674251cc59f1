// The terminal feature's settings, read in one place (portInspector.terminal.*).
import * as vscode from 'vscode';
import { portLiteral } from '../../core/workspace/scriptPorts';

export interface TerminalSettings {
  /** Look for "port already taken" in terminals and check launch configurations. */
  detect: boolean;
  /** Ports the user answered Don't Ask for This Port. */
  ignoredPorts: number[];
}

export function readTerminalSettings(): TerminalSettings {
  const c = vscode.workspace.getConfiguration('portInspector.terminal');
  const raw = c.get<unknown>('ignoredPorts', []);
  const ignoredPorts = Array.isArray(raw) ? raw.map(p => portLiteral(String(p))).filter((p): p is number => p !== undefined) : [];
  return { detect: c.get<boolean>('detectPortConflicts', true) !== false, ignoredPorts };
}

/** Adds a port to the user's ignoredPorts (the user settings: it is a personal answer, not the project's). */
export async function ignorePort(port: number): Promise<void> {
  const c = vscode.workspace.getConfiguration('portInspector.terminal');
  const current = readTerminalSettings().ignoredPorts;
  if (current.includes(port)) { return; }
  await c.update('ignoredPorts', [...current, port].sort((a, b) => a - b), vscode.ConfigurationTarget.Global);
}
