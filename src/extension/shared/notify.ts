// Notifications render Markdown-style links: `[label](command:…)` in a message becomes a link that
// runs a VS Code command with arguments when clicked. Our messages carry other people's text
// (process names, command lines, working directories, terminal and container names), so every
// notification goes through here and such a link is broken up into plain text first
// (inertLinks). Modal dialogs get the same treatment: the same sentence may be shown either way.
import * as vscode from 'vscode';
import { inertLinks } from './markdownText';

type Rest<T> = Array<T | vscode.MessageOptions>;

export function showInformation<T extends string | vscode.MessageItem>(message: string, ...rest: Rest<T>): Thenable<T | undefined> {
  return (vscode.window.showInformationMessage as (m: string, ...r: Rest<T>) => Thenable<T | undefined>)(inertLinks(message), ...rest);
}

export function showWarning<T extends string | vscode.MessageItem>(message: string, ...rest: Rest<T>): Thenable<T | undefined> {
  return (vscode.window.showWarningMessage as (m: string, ...r: Rest<T>) => Thenable<T | undefined>)(inertLinks(message), ...rest);
}

export function showError<T extends string | vscode.MessageItem>(message: string, ...rest: Rest<T>): Thenable<T | undefined> {
  return (vscode.window.showErrorMessage as (m: string, ...r: Rest<T>) => Thenable<T | undefined>)(inertLinks(message), ...rest);
}
