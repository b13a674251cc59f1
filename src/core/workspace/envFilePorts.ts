// PORT= in dotenv files (.env, .env.local, .env.development). Line-based, like dotenv itself:
// a garbage line is noted and skipped, the other lines still count.
import { clip, WorkBudget } from './budget';
import type { Detection } from './devPortTypes';
import { portLiteral } from './scriptPorts';

/** Variables that name the port a dev server listens on (not DB_PORT & co.: those are clients). */
const PORT_KEYS = new Set(['PORT', 'DEV_PORT', 'DEV_SERVER_PORT', 'SERVER_PORT', 'APP_PORT', 'VITE_PORT', 'NUXT_PORT', 'NITRO_PORT', 'FLASK_RUN_PORT']);
const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;

export function envFilePorts(file: string, text: string, budget = WorkBudget.forText(text.length)): Detection {
  const result: Detection = { ports: [], notes: [] };
  budget.spend(text.length);
  const lines = text.split(/\r?\n/);
  let garbage = 0;
  let firstGarbage = 0;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    // trim, the anchored LINE expression and unquote each pass over the line once.
    budget.spend(4 * raw.length + 1);
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) { continue; }
    const m = LINE.exec(raw);
    if (!m) {
      if (garbage++ === 0) { firstGarbage = i + 1; }
      continue;
    }
    if (!PORT_KEYS.has(m[1])) { continue; }
    const value = unquote(m[2]);
    const port = portLiteral(value);
    if (port === undefined) {
      result.notes.push({ file, line: i + 1, message: `${clip(m[1], 40)}=${clip(value, 40)} is not a port number (1–65535); ignored` });
      continue;
    }
    result.ports.push({ port, protocol: 'tcp', file, line: i + 1, detail: `${m[1]}=${port}`, kind: 'explicit' });
  }
  if (garbage > 0) {
    result.notes.push({ file, line: firstGarbage, message: `${garbage} line(s) are not KEY=value and were skipped` });
  }
  return result;
}

function unquote(value: string): string {
  let v = value.trim();
  const q = v[0];
  if ((q === '"' || q === "'" || q === '`') && v.indexOf(q, 1) > 0) {
    return v.slice(1, v.indexOf(q, 1));
  }
  const hash = v.search(/\s#/);
  if (hash >= 0) { v = v.slice(0, hash); }
  return v.trim();
}
