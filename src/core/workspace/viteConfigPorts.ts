// server.port / preview.port in vite.config.* and vitest.config.*, read as text. Config files are
// programs: they are never executed. A literal port is taken; `Number(process.env.PORT) || 3000`
// yields its literal fallback; any other expression is noted, not guessed.
import type { Detection, ServerKind } from './devPortTypes';
import { LineIndex } from './jsonc';
import { portLiteral } from './scriptPorts';

/**
 * Same length as the input, with comments blanked and string/template contents replaced by
 * spaces (quotes kept), so brace matching and key search cannot be fooled by either.
 */
export function maskCode(text: string): string {
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

function matchingBrace(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '{') { depth++; } else if (masked[i] === '}' && --depth === 0) { return i; }
  }
  return masked.length;
}

export function viteConfigPorts(file: string, text: string): Detection {
  const result: Detection = { ports: [], notes: [] };
  const masked = maskCode(text);
  const lines = new LineIndex(text);
  const block = /\b(server|preview)\s*:\s*\{/g;
  for (let m = block.exec(masked); m; m = block.exec(masked)) {
    const section = m[1] as 'server' | 'preview';
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(masked, open);
    const key = /\bport\s*:/g;
    key.lastIndex = open + 1;
    for (let k = key.exec(masked); k && k.index < close; k = key.exec(masked)) {
      if (depthBetween(masked, open, k.index) !== 1) { continue; }
      // Not a key of a nested object: skip e.g. hmr: { port } (depth 2), handled above.
      const valueStart = k.index + k[0].length;
      const valueEnd = endOfValue(masked, valueStart, close);
      const expr = text.slice(valueStart, valueEnd).trim();
      const line = lines.lineOf(k.index);
      const defaultOf: ServerKind = section === 'server' ? 'vite-dev' : 'vite-preview';
      const literal = portLiteral(expr);
      const fallback = /(?:\|\||\?\?)\s*(\d{1,5})\s*\)?$/.exec(expr);
      if (literal !== undefined) {
        result.ports.push({ port: literal, protocol: 'tcp', file, line, detail: `${section}.port: ${literal}`, kind: 'explicit', defaultOf });
      } else if (fallback && portLiteral(fallback[1]) !== undefined) {
        const port = portLiteral(fallback[1]) as number;
        result.ports.push({ port, protocol: 'tcp', file, line, detail: `${section}.port fallback ${port} (${short(expr)})`, kind: 'explicit', defaultOf });
      } else {
        result.notes.push({ file, line, message: `${section}.port is an expression (${short(expr)}); not evaluated — add the port to portInspector.watchPorts if needed` });
      }
    }
  }
  return result;
}

function depthBetween(masked: string, open: number, at: number): number {
  let depth = 0;
  for (let i = open; i < at; i++) {
    const c = masked[i];
    if (c === '{' || c === '[' || c === '(') { depth++; } else if (c === '}' || c === ']' || c === ')') { depth--; }
  }
  return depth;
}

function endOfValue(masked: string, from: number, limit: number): number {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const c = masked[i];
    if (c === '(' || c === '[' || c === '{') { depth++; } else if (c === ')' || c === ']' || c === '}') { depth--; }
    if (depth < 0 || (depth === 0 && (c === ',' || c === '\n'))) { return i; }
  }
  return limit;
}

function short(expr: string): string {
  const one = expr.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}
