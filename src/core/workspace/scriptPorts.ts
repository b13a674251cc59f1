// Ports a shell command line will listen on: explicit flags (--port N, -p N, --port=N), PORT=N
// assignments, tool-specific forms (django runserver 0:8001, php -S host:port, docker -p 8080:80),
// and the default port of well-known dev servers started without one. Pure; never throws.
//
// Defaults were checked against each tool's documentation: vite 5173 / preview 4173 (vite ≥ 3),
// astro 4321 (≥ 3), gatsby develop 8000 / serve 9000, storybook 6006, ng serve 4200, etc.
import type { Protocol } from '../model';
import { splitProtocolSuffix } from '../portNumber';
import { WorkBudget } from './budget';
import type { ServerKind } from './devPortTypes';

export interface CommandPort {
  port: number;
  protocol: Protocol;
  kind: 'explicit' | 'default';
  /** The piece of the command the port came from (`--port 5173`, `vite (default)`). */
  evidence: string;
  defaultOf?: ServerKind;
}

interface Token { text: string; quoted: boolean }

/** Splits a command line into simple commands (at && || ; | & newlines and parentheses). */
export function splitCommands(line: string, budget = new WorkBudget()): Token[][] {
  const commands: Token[][] = [];
  let current: Token[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  const endWord = () => {
    if (inWord) { current.push({ text: word, quoted }); }
    word = ''; inWord = false; quoted = false;
  };
  const endCommand = () => {
    endWord();
    if (current.length > 0) { commands.push(current); }
    current = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    budget.spend();
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      const stop = end < 0 ? line.length : end;
      budget.spend(stop - i);
      word += line.slice(i + 1, stop); inWord = true; quoted = true;
      i = stop;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        budget.spend();
        if (line[i] === '\\' && i + 1 < line.length) { i++; }
        word += line[i]; i++;
      }
      inWord = true; quoted = true;
    } else if (c === '\\' && i + 1 < line.length) {
      if (line[i + 1] !== '\n') { word += line[i + 1]; inWord = true; }
      i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endCommand();
    } else {
      word += c; inWord = true;
    }
  }
  endCommand();
  return commands;
}

interface ToolDefaults {
  /** Port per sub-command. */
  sub?: Record<string, number>;
  /** Port when there is no sub-command or the first argument is a path (vite ., parcel index.html). */
  bare?: number;
  /** The first argument is always a path or app spec, never a sub-command (http-server public). */
  any?: number;
  /** Does the server take its port from the PORT environment variable? */
  honoursPortEnv?: boolean;
  defaultOf?: Partial<Record<string, ServerKind>>;
}

const TOOLS: Record<string, ToolDefaults> = {
  'vite': { bare: 5173, sub: { dev: 5173, serve: 5173, preview: 4173 }, defaultOf: { '': 'vite-dev', dev: 'vite-dev', serve: 'vite-dev', preview: 'vite-preview' } },
  'vitepress': { bare: 5173, sub: { dev: 5173, preview: 4173, serve: 4173 } },
  'next': { bare: 3000, sub: { dev: 3000, start: 3000 }, honoursPortEnv: true },
  'nuxt': { sub: { dev: 3000, preview: 3000, start: 3000 }, honoursPortEnv: true },
  'nuxi': { sub: { dev: 3000, preview: 3000, start: 3000 }, honoursPortEnv: true },
  'astro': { sub: { dev: 4321, start: 4321, preview: 4321 } },
  'ng': { sub: { serve: 4200, s: 4200 }, defaultOf: { serve: 'angular-serve', s: 'angular-serve' } },
  'react-scripts': { sub: { start: 3000 }, honoursPortEnv: true },
  'webpack-dev-server': { any: 8080 },
  'webpack': { sub: { serve: 8080, s: 8080, server: 8080 } },
  'vue-cli-service': { sub: { serve: 8080 }, honoursPortEnv: true },
  'storybook': { sub: { dev: 6006 } },
  'start-storybook': { any: 6006 },
  'remix': { sub: { 'dev': 3000, 'vite:dev': 5173 }, honoursPortEnv: true },
  'remix-serve': { any: 3000, honoursPortEnv: true },
  'react-router': { sub: { dev: 5173 } },
  'parcel': { bare: 1234, sub: { serve: 1234 } },
  'http-server': { any: 8080 },
  'live-server': { any: 8080 },
  'serve': { any: 3000, honoursPortEnv: true },
  'sirv': { any: 8080 },
  'json-server': { any: 3000 },
  'docusaurus': { sub: { start: 3000, serve: 3000 } },
  'gatsby': { sub: { develop: 8000, serve: 9000 }, honoursPortEnv: true },
  'ember': { sub: { serve: 4200, s: 4200, server: 4200 } },
  'expo': { sub: { start: 8081 } },
  'wrangler': { sub: { dev: 8787 } },
  'netlify': { sub: { dev: 8888 } },
  'vercel': { sub: { dev: 3000 } },
  'hugo': { sub: { server: 1313, serve: 1313 } },
  'mkdocs': { sub: { serve: 8000 } },
  'hexo': { sub: { server: 4000, s: 4000 } },
  'jekyll': { sub: { serve: 4000, s: 4000, server: 4000 } },
  'rails': { sub: { server: 3000, s: 3000 }, honoursPortEnv: true },
  'jupyter': { sub: { notebook: 8888, lab: 8888, server: 8888 } },
  'jupyter-lab': { any: 8888 },
  'jupyter-notebook': { any: 8888 },
  'flask': { sub: { run: 5000 } },
  'django-admin': { sub: { runserver: 8000 } },
  'uvicorn': { any: 8000 },
  'gunicorn': { any: 8000, honoursPortEnv: true },
  'hypercorn': { any: 8000 },
  'fastapi': { sub: { dev: 8000, run: 8000 } },
};

/** Wrappers that run the next word as the command. */
const PREFIXES = new Set(['cross-env', 'env', 'nohup', 'time', 'exec', 'command', 'npx', 'bunx', 'pnpx', 'dotenv', 'dotenv-cli', 'env-cmd', 'nodemon', 'ts-node', 'tsx', 'node', 'bun', 'deno']);
/** Wrapper flags that take a value (so the value is not mistaken for the command). */
const PREFIX_VALUE_FLAGS = new Set(['-p', '--package', '-e', '-c', '-f', '-v', '--file', '--exec', '-x', '-w', '--watch', '--ext', '-r', '--require', '--import', '--env-file']);

const PORT_ENV_NAMES = new Set(['PORT', 'NUXT_PORT', 'NITRO_PORT', 'FLASK_RUN_PORT']);
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** A port literal, or `${PORT:-3000}` / `${PORT-3000}` (the fallback is the port used). */
export function portLiteral(value: string): number | undefined {
  const fallback = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-(\d{1,5})\}$/.exec(value);
  const text = fallback ? fallback[1] : value;
  if (!/^\d{1,5}$/.test(text)) { return undefined; }
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function baseName(word: string): string {
  const slash = word.lastIndexOf('/');
  const name = slash >= 0 ? word.slice(slash + 1) : word;
  return name.replace(/\.(?:c|m)?js$/, '').replace(/\.cmd$/, '');
}

/** `host:port`, `[::1]:port`, `tcp://host:port` or a bare port → the port. */
function portOfAddress(value: string): number | undefined {
  const m = /(?:^|:)(\d{1,5}|\$\{[A-Za-z_][A-Za-z0-9_]*:?-\d{1,5}\})$/.exec(value);
  return m ? portLiteral(m[1]) : undefined;
}

/** docker run -p: `8080:80`, `127.0.0.1:8080:80/udp`, `8000-8002:8000-8002` → host ports. */
export function publishedHostPorts(spec: string): { ports: number[]; protocol: Protocol } | undefined {
  const trimmed = spec.trim();
  const split = splitProtocolSuffix(trimmed, trimmed.lastIndexOf('/'));
  if (!split) { return undefined; }
  const { rest: s, protocol } = split;
  // Drop the container side (last field); what is left ends with the host port or range.
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) { return undefined; } // container port only: the host port is random
  const host = s.slice(0, lastColon);
  const m = /(?:^|:)(\d{1,5})(?:-(\d{1,5}))?$/.exec(host);
  if (!m) { return undefined; }
  const from = portLiteral(m[1]);
  const to = m[2] === undefined ? from : portLiteral(m[2]);
  if (from === undefined || to === undefined || to < from || to - from > 100) { return undefined; }
  const ports: number[] = [];
  for (let p = from; p <= to; p++) { ports.push(p); }
  return { ports, protocol };
}

const MAX_NESTING = 3;
/** Programs whose quoted arguments are whole commands, even one-word ones ("vite"). */
const RUNNERS = new Set(['concurrently', 'npm-run-all', 'run-p', 'run-s', 'npm-run-all2', 'sh', 'bash', 'zsh', 'wait-on', 'start-server-and-test']);

/** Ports a whole command line (a package.json script, a launch.json command) will use. */
export function portsOfCommandLine(line: string, budget = new WorkBudget(), depth = 0): CommandPort[] {
  const out: CommandPort[] = [];
  for (const command of splitCommands(line, budget)) {
    // Each word goes through a handful of anchored, linear regular expressions and lookups.
    budget.spend(8 * command.reduce((n, t) => n + t.text.length + 1, 0));
    out.push(...portsOfSimpleCommand(command));
    // concurrently "vite" "node api.js --port 4000", npm-run-all, sh -c '…': quoted commands.
    if (depth < MAX_NESTING) {
      const runner = command.some(t => RUNNERS.has(baseName(t.text)));
      for (const t of command.slice(1)) {
        if (t.quoted && (runner || /\s/.test(t.text))) { out.push(...portsOfCommandLine(t.text, budget, depth + 1)); }
      }
    }
  }
  return dedupe(out);
}

function dedupe(ports: CommandPort[]): CommandPort[] {
  const seen = new Set<string>();
  return ports.filter(p => {
    const key = `${p.port}/${p.protocol}/${p.kind}`;
    if (seen.has(key)) { return false; }
    seen.add(key);
    return true;
  });
}

function portsOfSimpleCommand(tokens: Token[]): CommandPort[] {
  const words = tokens.map(t => t.text);
  const out: CommandPort[] = [];
  let i = 0;
  let envPort = false;
  // Leading assignments, possibly after wrappers: PORT=4000 node server.js, cross-env PORT=4000 next.
  for (let guard = 0; guard < 20 && i < words.length; guard++) {
    const a = ASSIGNMENT.exec(words[i]);
    if (a) {
      if (PORT_ENV_NAMES.has(a[1])) {
        const port = portLiteral(a[2]);
        if (port !== undefined) { out.push({ port, protocol: 'tcp', kind: 'explicit', evidence: `${a[1]}=${a[2]}` }); envPort = true; }
      }
      i++;
      continue;
    }
    const name = baseName(words[i]);
    const next = words[i + 1];
    if ((name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun') && next !== undefined) {
      if (next === 'exec' || next === 'dlx' || next === 'x') { i += 2; continue; }
      if (TOOLS[baseName(next)] !== undefined) { i++; continue; }
      break;
    }
    if (name === 'bundle' && next === 'exec') { i += 2; continue; }
    if (PREFIXES.has(name) && TOOLS[name] === undefined) {
      // node/tsx/bun only wrap when the next word is a known tool's script (node node_modules/.bin/vite).
      const isRuntime = name === 'node' || name === 'ts-node' || name === 'tsx' || name === 'bun' || name === 'deno' || name === 'nodemon';
      let j = i + 1;
      while (j < words.length && words[j].startsWith('-') && !ASSIGNMENT.test(words[j])) {
        if (words[j] === '--') { j++; break; }
        if (PREFIX_VALUE_FLAGS.has(words[j]) && !isRuntime) { j++; }
        j++;
      }
      if (isRuntime && (j >= words.length || TOOLS[baseName(words[j])] === undefined)) { break; }
      i = j;
      continue;
    }
    break;
  }
  if (i >= words.length) { return out; }

  const program = baseName(words[i]);
  const args = words.slice(i + 1);
  const explicit = explicitPorts(program, args);
  out.push(...explicit);

  // A port flag whose value is not a literal (--port $P, --port 80a): the port is unknown, not the default.
  const portFlag = args.some(a => /^(?:--port|-p|--http-port)(?:=|$)/.test(a));
  const tool = TOOLS[program];
  if (tool && explicit.length === 0 && !portFlag && !(envPort && tool.honoursPortEnv)) {
    const d = toolDefault(program, tool, args);
    if (d) { out.push(d); }
  }
  if (program === 'python' || program === 'python3' || program === 'py' || program === 'php') {
    if (explicit.length === 0 && !portFlag) {
      const d = interpreterDefault(program, args);
      if (d) { out.push(d); }
    }
  }
  return out;
}

function firstPositional(args: string[]): string {
  const a = args[0];
  return a === undefined || a.startsWith('-') ? '' : a;
}

function toolDefault(program: string, tool: ToolDefaults, args: string[]): CommandPort | undefined {
  const sub = firstPositional(args);
  let port: number | undefined;
  if (tool.any !== undefined) {
    port = tool.any;
  } else if (tool.sub && Object.prototype.hasOwnProperty.call(tool.sub, sub)) {
    port = tool.sub[sub];
  } else if (tool.bare !== undefined && (sub === '' || /[./]/.test(sub))) {
    port = tool.bare;
  }
  if (port === undefined) { return undefined; }
  const key = sub !== '' && tool.sub && Object.prototype.hasOwnProperty.call(tool.sub, sub) ? sub : '';
  const evidence = key ? `${program} ${key}` : program;
  return { port, protocol: 'tcp', kind: 'default', evidence: `${evidence} (default port)`, defaultOf: tool.defaultOf?.[key] };
}

/** python -m http.server / flask / uvicorn, manage.py runserver, php artisan serve. */
function interpreterDefault(program: string, args: string[]): CommandPort | undefined {
  const mk = (port: number, what: string): CommandPort => ({ port, protocol: 'tcp', kind: 'default', evidence: `${what} (default port)` });
  if (program === 'php') {
    return args[0] === 'artisan' && args[1] === 'serve' ? mk(8000, 'php artisan serve') : undefined;
  }
  const m = args.indexOf('-m');
  const mod = m >= 0 ? args[m + 1] : undefined;
  if (mod === 'http.server') { return mk(8000, 'python -m http.server'); }
  if (mod === 'flask' && args[m + 2] === 'run') { return mk(5000, 'python -m flask run'); }
  if (mod === 'uvicorn') { return mk(8000, 'python -m uvicorn'); }
  if (mod === 'django' && args[m + 2] === 'runserver') { return mk(8000, 'django runserver'); }
  const script = args.findIndex(a => /(?:^|\/)manage\.py$/.test(a));
  if (script >= 0 && args[script + 1] === 'runserver') { return mk(8000, 'manage.py runserver'); }
  return undefined;
}

function explicitPorts(program: string, args: string[]): CommandPort[] {
  const out: CommandPort[] = [];
  const add = (port: number | undefined, evidence: string, protocol: Protocol = 'tcp') => {
    if (port !== undefined) { out.push({ port, protocol, kind: 'explicit', evidence }); }
  };
  const isDocker = program === 'docker' || program === 'podman';
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    const v = args[k + 1];
    if (isDocker && (a === '-p' || a === '--publish') && v !== undefined) {
      const pub = publishedHostPorts(v);
      if (pub) { for (const p of pub.ports) { add(p, `${a} ${v}`, pub.protocol); } }
      k++;
      continue;
    }
    if (isDocker && a.startsWith('--publish=')) {
      const pub = publishedHostPorts(a.slice(10));
      if (pub) { for (const p of pub.ports) { add(p, a, pub.protocol); } }
      continue;
    }
    if ((a === '--port' || a === '-p' || a === '--http-port') && v !== undefined) {
      const port = portLiteral(v);
      if (port !== undefined) { add(port, `${a} ${v}`); k++; }
      continue;
    }
    const eq = /^(--port|-p|--http-port|--[A-Za-z]+App\.port)=(.+)$/.exec(a);
    if (eq) { add(portLiteral(eq[2]), a); continue; }
    // gunicorn/hypercorn -b host:port, serve -l tcp://host:port, php -S host:port
    if ((a === '-b' || a === '--bind' || a === '-l' || a === '--listen' || (a === '-S' && program === 'php')) && v !== undefined) {
      const port = portOfAddress(v);
      if (port !== undefined) { add(port, `${a} ${v}`); k++; }
      continue;
    }
    const bindEq = /^(--bind|--listen)=(.+)$/.exec(a);
    if (bindEq) { add(portOfAddress(bindEq[2]), a); continue; }
  }
  if (out.length > 0) { return out; }
  // Positional ports: python -m http.server 9000, manage.py runserver 0.0.0.0:8001, django-admin runserver 8001.
  const httpServer = args.indexOf('http.server');
  if ((program === 'python' || program === 'python3' || program === 'py') && httpServer >= 0 && args[httpServer - 1] === '-m') {
    const pos = args.slice(httpServer + 1).find(x => /^\d{1,5}$/.test(x));
    if (pos !== undefined) { add(portLiteral(pos), `http.server ${pos}`); }
  }
  const runserver = args.indexOf('runserver');
  if (runserver >= 0) {
    const pos = args.slice(runserver + 1).find(x => !x.startsWith('-'));
    if (pos !== undefined) { add(portOfAddress(pos), `runserver ${pos}`); }
  }
  return out;
}
