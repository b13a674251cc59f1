// Text from processes and workspace files (a process name, a command line, a script name) shown in
// a Markdown tooltip. Anyone can start a process or write a package.json, so such text is rendered
// as text: control and direction-changing characters become visible escapes (so it stays on one
// line and cannot start a block: heading, list, quote, fence), the characters that open inline
// Markdown are escaped (links, images, autolinks, HTML, emphasis, code), `$(` cannot form a theme
// icon, and code is fenced with more backticks than it contains. Pure, no `vscode`.

import { escapeOne, UNSAFE_ALL } from '../../core/visibleText';

/**
 * `\x1b`, `\u202e`, `\u200b`, `\n`: what the character is, in characters that render as themselves.
 * The same characters as the command line and the dialogs make visible (core/visibleText.ts): C0
 * and C1 controls, DEL, bidi marks, embeddings, overrides and isolates, zero-width characters and
 * the line and paragraph separators.
 */
export function visibleControls(text: string, keep = ''): string {
  return text.replace(UNSAFE_ALL, c => {
    if (keep.includes(c)) { return c; }
    if (c === '\n') { return '\\n'; }
    if (c === '\r') { return '\\r'; }
    if (c === '\t') { return '\\t'; }
    return escapeOne(c);
  });
}

function clipTo(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `$(name)` renders as an icon in tooltips that allow them; a zero-width space breaks the form. */
function noIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u200b(');
}

/** Text for a label that renders theme icons but no Markdown (status bar, quick pick). */
export function labelText(text: string, max = 80): string {
  return noIcons(visibleControls(clipTo(text, max)));
}

/**
 * Inline text, one line, at most `max` characters of the original (then …). Plain punctuation
 * that cannot open anything inline (`.` `:` `-` `(` `"`) is left alone so the text reads normally;
 * `://` and `www.` are broken up so they cannot become autolinks.
 */
export function markdownText(text: string, max = 200): string {
  return noIcons(visibleControls(clipTo(text, max)))
    .replace(/[\\`*_{}[\]<>#!|~&@$]/g, c => `\\${c}`)
    .replace(/:\/\//g, ':\\/\\/')
    .replace(/\b(www)\./gi, '$1\\.')
    // At the start of a line, `-`, `+` or `1.` would begin a list.
    .replace(/^[-+]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inline code span: delimited by a backtick run longer than any inside it. */
export function markdownInlineCode(text: string, max = 200): string {
  const t = noIcons(visibleControls(clipTo(text, max)));
  const fence = '`'.repeat(longestRun(t, '`') + 1);
  // Content that starts or ends with a backtick, or with a space on both ends, gets a space on
  // each side: CommonMark strips exactly one from each side.
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ') && t.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** Fenced code block (its own paragraph); line breaks are kept, other controls made visible. */
export function markdownCodeBlock(code: string, language = '', max = 4000): string {
  const t = visibleControls(clipTo(code, max), '\n');
  const fence = '`'.repeat(Math.max(3, longestRun(t, '`') + 1));
  return `\n\n${fence}${/^[A-Za-z0-9_+-]*$/.test(language) ? language : ''}\n${t}\n${fence}\n\n`;
}

function longestRun(text: string, ch: string): number {
  let best = 0;
  let run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    if (run > best) { best = run; }
  }
  return best;
}

/**
 * A notification's text with every Markdown-style link taken apart: `[x](command:y)` becomes
 * `[x] (command:y)`, which VS Code shows as written instead of as a link that runs a command.
 * Only the `](` pair that joins label and target is touched; the rest of the text is unchanged.
 */
export function inertLinks(text: string): string {
  return text.includes('](') ? text.split('](').join('] (') : text;
}
