// The extension's exports, as the Ports view tests use them.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { PortInspectorApi } from '../../../src/extension/extension';
import type { RenderedItem } from '../../../src/extension/ports/portsView';

export const EXTENSION_ID = 'port-inspector.port-inspector';

export async function portsApi(): Promise<PortInspectorApi['ports']> {
  const ext = vscode.extensions.getExtension<PortInspectorApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} not loaded`);
  const api = ext.isActive ? ext.exports : await ext.activate();
  return api.ports;
}

export function flatten(items: readonly RenderedItem[]): RenderedItem[] {
  return items.flatMap(i => [i, ...flatten(i.children)]);
}

export async function tree(): Promise<RenderedItem[]> {
  const api = await portsApi();
  await api.refresh();
  return api.renderTree();
}

export function portRow(items: readonly RenderedItem[], protocol: 'tcp' | 'udp', port: number): RenderedItem | undefined {
  return items.find(i => i.id === `port/${protocol}:${port}`);
}

/** A Markdown tooltip as the reader sees it: appendText()'s escapes and non-breaking spaces undone. */
export function plainText(markdown: string): string {
  return markdown.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!|<>])/g, '$1');
}
