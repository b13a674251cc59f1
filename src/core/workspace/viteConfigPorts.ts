// server.port / preview.port in vite.config.* and vitest.config.*, read as text. Config files are
// programs: they are never executed. A literal port is taken; `Number(process.env.PORT) || 3000`
// yields its literal fallback; any other expression is noted, not guessed.
import { clip, WorkBudget } from './budget';
import type { Detection, ServerKind } from './devPortTypes';
import { LineIndex } from './jsonc';
import { portLiteral } from './scriptPorts';

/**
 * Same length as the input, with comments blanked and string/template contents replaced by
 * spaces (quotes kept), so brace matching and key search cannot be fooled by either.
 */
export function maskCode(text: string, budget = new WorkBudget()): string {
  budget.spend(2 * text.length);
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) { if (out[k] !== '\n') { out[k] = ' '; } }
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      blank(i, end); i = end - 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? text.length : close + 2;
      blank(i, end); i = end - 1;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') { j++; }
        if (c !== '`' && text[j] === '\n') { break; }
        j++;
      }
      blank(i + 1, j); i = j;
    }
  }
  return out.join('');
}

/** Brackets nested deeper than this end the analysis of the file (with a note). */
export const MAX_NESTING = 256;
/** A port's value expression is read up to this many characters. */
export const MAX_EXPRESSION = 200;

interface PortKey { section: 'server' | 'preview'; open: number; at: number; valueStart: number }

/**
 * One pass over the masked text with a stack of open brackets: every `port:` key learns the
 * innermost bracket it sits in (it counts only when that is the `{` of a server/preview block),
 * and every block learns where it closes. Nothing is scanned twice.
 */
function findPortKeys(masked: string, budget: WorkBudget): { keys: PortKey[]; closeOf: Map<number, number>; tooDeep?: number } {
  budget.spend(3 * masked.length); // the two global expressions below, and the bracket pass
  const blocks = new Map<number, 'server' | 'preview'>();
  const block = /\b(server|preview)\s*:\s*\{/g;
  for (let m = block.exec(masked); m; m = block.exec(masked)) { blocks.set(m.index + m[0].length - 1, m[1] as 'server' | 'preview'); }
  const keyAt: { at: number; valueStart: number }[] = [];
  const key = /\bport\s*:/g;
  for (let k = key.exec(masked); k; k = key.exec(masked)) { keyAt.push({ at: k.index, valueStart: k.index + k[0].length }); }

  const keys: PortKey[] = [];
  const closeOf = new Map<number, number>();
  const stack: number[] = [];
  let next = 0;
  for (let i = 0; i < masked.length; i++) {
    if (next < keyAt.length && keyAt[next].at === i) {
      const open = stack.length > 0 ? stack[stack.length - 1] : -1;
      const section = blocks.get(open);
      if (section) { keys.push({ section, open, ...keyAt[next] }); }
      next++;
    }
    const c = masked[i];
    if (c === '{' || c === '[' || c === '(') {
      if (stack.length >= MAX_NESTING) { return { keys, closeOf, tooDeep: i }; }
      stack.push(i);
    } else if (c === '}' || c === ']' || c === ')') {
      const open = stack.pop();
      if (open !== undefined && blocks.has(open)) { closeOf.set(open, i); }
    }
  }
  return { keys, closeOf };
}

export function viteConfigPorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  const result: Detection = { ports: [], notes: [] };
  const masked = maskCode(text, budget);
  budget.spend(text.length);
  const lines = new LineIndex(text);
  const { keys, closeOf, tooDeep } = findPortKeys(masked, budget);
  if (tooDeep !== undefined) {
    result.notes.push({ file, line: lines.lineOf(tooDeep), message: `brackets nested more than ${MAX_NESTING} deep; the rest of the file is not analysed` });
  }
  // Block by block, in the order the blocks open (as a reader would list them).
  keys.sort((a, b) => a.open - b.open || a.at - b.at);
  for (const k of keys) {
    const { section } = k;
    const close = closeOf.get(k.open) ?? masked.length;
    const line = lines.lineOf(k.at);
    const limit = Math.min(close, k.valueStart + MAX_EXPRESSION + 1);
    const valueEnd = endOfValue(masked, k.valueStart, limit);
    budget.spend((valueEnd ?? limit) - k.valueStart + 1);
    if (valueEnd === undefined) {
      result.notes.push({ file, line, message: `${section}.port is an expression longer than ${MAX_EXPRESSION} characters; not evaluated — add the port to portInspector.watchPorts if needed` });
      continue;
    }
    const expr = text.slice(k.valueStart, valueEnd).trim();
    const defaultOf: ServerKind = section === 'server' ? 'vite-dev' : 'vite-preview';
    const literal = portLiteral(expr);
    const fallback = /(?:\|\||\?\?)\s*(\d{1,5})\s*\)?$/.exec(expr);
    if (literal !== undefined) {
      result.ports.push({ port: literal, protocol: 'tcp', file, line, detail: `${section}.port: ${literal}`, kind: 'explicit', defaultOf });
    } else if (fallback && portLiteral(fallback[1]) !== undefined) {
      const port = portLiteral(fallback[1]) as number;
      result.ports.push({ port, protocol: 'tcp', file, line, detail: `${section}.port fallback ${port} (${clip(expr)})`, kind: 'explicit', defaultOf });
    } else {
      result.notes.push({ file, line, message: `${section}.port is an expression (${clip(expr)}); not evaluated — add the port to portInspector.watchPorts if needed` });
    }
  }
  return result;
}

/**
 * Where the value starting at `from` ends: a `,` or line break outside brackets, or the block's
 * closing brace at `limit`. Undefined when `limit` is the expression cap and no end came before it.
 */
function endOfValue(masked: string, from: number, limit: number): number | undefined {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') { depth++; } else if (c === ')' || c === ']' || c === '}') { depth--; }
    if (depth < 0 || (depth === 0 && (c === ',' || c === '\n'))) { return i; }
  }
  return limit - from > MAX_EXPRESSION ? undefined : limit;
}
