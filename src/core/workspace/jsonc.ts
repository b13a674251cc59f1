// A small JSON-with-comments reader that keeps where every value starts, so a detected port can
// point at its line. Accepts what VS Code accepts in launch.json / devcontainer.json (// and /* */
// comments, trailing commas, a BOM); anything else is an error with the line it happened on.
// Never throws, except BudgetExceeded when `budget` runs out (one step per character visited).
import { clip, WorkBudget } from './budget';

export type JsonNode =
  | { type: 'object'; offset: number; props: JsonProp[] }
  | { type: 'array'; offset: number; items: JsonNode[] }
  | { type: 'string'; offset: number; value: string }
  | { type: 'number'; offset: number; value: number }
  | { type: 'boolean'; offset: number; value: boolean }
  | { type: 'null'; offset: number };

export interface JsonProp {
  key: string;
  keyOffset: number;
  value: JsonNode;
}

export type JsoncParse = { ok: true; root: JsonNode } | { ok: false; message: string; offset: number };

class ParseError {
  constructor(readonly message: string, readonly offset: number) {}
}

/** Objects and arrays nested deeper than this are an error (the parser recurses per level). */
export const MAX_DEPTH = 100;

export function parseJsonc(text: string, budget = new WorkBudget()): JsoncParse {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let depth = 0;

  const fail = (message: string, at = pos): never => { throw new ParseError(message, at); };

  const skipSpaceAndComments = (): void => {
    for (;;) {
      const c = text[pos];
      budget.spend();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { pos++; continue; }
      if (c === '/' && text[pos + 1] === '/') {
        const nl = text.indexOf('\n', pos);
        const next = nl < 0 ? text.length : nl + 1;
        budget.spend(next - pos);
        pos = next;
        continue;
      }
      if (c === '/' && text[pos + 1] === '*') {
        const end = text.indexOf('*/', pos + 2);
        budget.spend((end < 0 ? text.length : end) - pos);
        if (end < 0) { fail('unterminated /* comment'); }
        pos = end + 2;
        continue;
      }
      return;
    }
  };

  const describe = (at: number): string => at >= text.length ? 'end of file' : `'${clip(text[at])}'`;
  const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    for (;;) {
      if (pos >= text.length) { fail('unterminated string', start); }
      budget.spend();
      const c = text[pos];
      if (c === '"') { pos++; return out; }
      if (c === '\n') { fail('line break inside a string'); }
      if (c === '\\') {
        const e = text[pos + 1];
        if (e !== undefined && simple[e] !== undefined) { out += simple[e]; pos += 2; continue; }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) {
          out += String.fromCharCode(parseInt(text.slice(pos + 2, pos + 6), 16));
          pos += 6;
          continue;
        }
        fail('bad escape in string');
      }
      out += c;
      pos++;
    }
  };

  const parseValue = (): JsonNode => {
    skipSpaceAndComments();
    const offset = pos;
    const c = text[pos];
    budget.spend();
    if (c === '{') {
      if (++depth > MAX_DEPTH) { fail('nested too deeply'); }
      pos++;
      const props: JsonProp[] = [];
      for (;;) {
        skipSpaceAndComments();
        if (text[pos] === '}') { pos++; break; }
        if (text[pos] !== '"') { fail(`expected a property name or '}' but found ${describe(pos)}`); }
        const keyOffset = pos;
        const key = parseString();
        skipSpaceAndComments();
        if (text[pos] !== ':') { fail(`expected ':' after "${clip(key)}" but found ${describe(pos)}`); }
        pos++;
        props.push({ key, keyOffset, value: parseValue() });
        skipSpaceAndComments();
        if (text[pos] === ',') { pos++; continue; }
        if (text[pos] === '}') { pos++; break; }
        fail(`expected ',' or '}' but found ${describe(pos)}`);
      }
      depth--;
      return { type: 'object', offset, props };
    }
    if (c === '[') {
      if (++depth > MAX_DEPTH) { fail('nested too deeply'); }
      pos++;
      const items: JsonNode[] = [];
      for (;;) {
        skipSpaceAndComments();
        if (text[pos] === ']') { pos++; break; }
        items.push(parseValue());
        skipSpaceAndComments();
        if (text[pos] === ',') { pos++; continue; }
        if (text[pos] === ']') { pos++; break; }
        fail(`expected ',' or ']' but found ${describe(pos)}`);
      }
      depth--;
      return { type: 'array', offset, items };
    }
    if (c === '"') { return { type: 'string', offset, value: parseString() }; }
    // A number is read from at most 64 characters: longer ones are not ports anyway.
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 64));
    budget.spend(num ? num[0].length + 1 : 1);
    if (num) { pos += num[0].length; return { type: 'number', offset, value: Number(num[0]) }; }
    for (const [word, node] of [['true', { type: 'boolean', offset, value: true }], ['false', { type: 'boolean', offset, value: false }], ['null', { type: 'null', offset }]] as const) {
      if (text.startsWith(word, pos)) { pos += word.length; return node; }
    }
    return fail(`unexpected ${describe(pos)}`);
  };

  try {
    const root = parseValue();
    skipSpaceAndComments();
    if (pos < text.length) { fail(`unexpected ${describe(pos)} after the end of the document`); }
    return { ok: true, root };
  } catch (e) {
    if (e instanceof ParseError) { return { ok: false, message: e.message, offset: e.offset }; }
    throw e;
  }
}

/** Property of an object node, or undefined. */
export function prop(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (!node || node.type !== 'object') { return undefined; }
  // Last one wins, as in JSON.parse.
  for (let i = node.props.length - 1; i >= 0; i--) { if (node.props[i].key === key) { return node.props[i].value; } }
  return undefined;
}

/** Maps an offset in a text to its 1-based line number. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) { this.starts.push(i + 1); }
  }
  lineOf(offset: number): number {
    let lo = 0, hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) { lo = mid; } else { hi = mid - 1; }
    }
    return lo + 1;
  }
}
