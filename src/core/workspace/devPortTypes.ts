// What workspace detection produces: each port with the file and line it came from, plus notes
// about files that were skipped (broken JSON, unreadable, a port given as an expression).
import type { Protocol } from '../model';

export interface DetectedPort {
  port: number;
  protocol: Protocol;
  /** Path relative to the workspace folder, with '/' separators. */
  file: string;
  /** 1-based line in that file. */
  line: number;
  /** Human-readable reason, e.g. `script "dev": vite --port 5173`. */
  detail: string;
  /** 'default': the tool's own default port (no port given); 'explicit': written in the file. */
  kind: 'explicit' | 'default';
  /** For defaults: which server the default belongs to (a config file's port replaces it). */
  defaultOf?: ServerKind;
}

/** Servers whose default port a config file can override. */
export type ServerKind = 'vite-dev' | 'vite-preview' | 'angular-serve';

export interface DetectionNote {
  file: string;
  line?: number;
  message: string;
}

export interface Detection {
  ports: DetectedPort[];
  notes: DetectionNote[];
}

/** A file as read from disk: its text, or why it could not be read. */
export type FileText = { text: string } | { error: string };
