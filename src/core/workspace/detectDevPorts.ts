// Dev-server port detection over a workspace folder's file texts. Pure: the caller reads the files
// (readDevPortFiles) and hands them in; every file kind has its own small parser. Every parser is
// linear in its input and runs under a work budget (budget.ts): a file crafted to be expensive is
// skipped with a note instead of stalling the thread detection runs on.
import { BudgetExceeded, MAX_TEXT_CHARS, WorkBudget } from './budget';
import type { Detection, FileText } from './devPortTypes';
import { composePorts } from './composePorts';
import { envFilePorts } from './envFilePorts';
import { angularJsonPorts, devcontainerPorts, launchJsonPorts, packageJsonPorts } from './jsonFilePorts';
import { viteConfigPorts } from './viteConfigPorts';

const CONFIG_EXTS = ['ts', 'js', 'mjs', 'cjs', 'mts', 'cts'];

type Parser = (file: string, text: string, budget?: WorkBudget) => Detection;

/** What one file may contribute; a file with more is cut there with a note. */
export const MAX_PORTS_PER_FILE = 1000;
export const MAX_NOTES_PER_FILE = 20;
/** Text analysed per folder, all files together; files past it are skipped with a note. */
export const MAX_FOLDER_CHARS = 4 * MAX_TEXT_CHARS;

/** Every file detection looks at, relative to a workspace folder, with its parser. */
export const DEV_PORT_FILES: readonly { file: string; parse: Parser }[] = [
  { file: 'package.json', parse: packageJsonPorts },
  ...['.env', '.env.local', '.env.development', '.env.development.local'].map(file => ({ file, parse: envFilePorts })),
  ...['vite', 'vitest'].flatMap(name => CONFIG_EXTS.map(ext => ({ file: `${name}.config.${ext}`, parse: viteConfigPorts }))),
  { file: 'angular.json', parse: angularJsonPorts },
  { file: '.vscode/launch.json', parse: launchJsonPorts },
  ...['docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'].map(file => ({ file, parse: composePorts })),
  { file: '.devcontainer/devcontainer.json', parse: devcontainerPorts },
  { file: '.devcontainer.json', parse: devcontainerPorts },
];

/** One glob (relative to a folder) matching every file above, for a file-system watcher. */
export function devPortFilesGlob(): string {
  return `{${DEV_PORT_FILES.map(f => f.file).join(',')}}`;
}

/**
 * Ports of one workspace folder. `files` maps a relative path to its text (or read error); paths
 * that are absent simply do not exist. Never throws: a parser failure becomes a note.
 */
export function detectDevPorts(files: ReadonlyMap<string, FileText>): Detection {
  const result: Detection = { ports: [], notes: [] };
  let analysed = 0;
  for (const { file, parse } of DEV_PORT_FILES) {
    const content = files.get(file);
    if (content === undefined) { continue; }
    if ('error' in content) {
      result.notes.push({ file, message: `cannot read (${content.error}); skipped` });
      continue;
    }
    if (content.text.length > MAX_TEXT_CHARS) {
      result.notes.push({ file, message: `larger than ${MAX_TEXT_CHARS >> 20} MiB; skipped` });
      continue;
    }
    analysed += content.text.length;
    if (analysed > MAX_FOLDER_CHARS) {
      result.notes.push({ file, message: `skipped: the folder's files together are over ${MAX_FOLDER_CHARS >> 20} MiB` });
      continue;
    }
    try {
      const d = parse(file, content.text, WorkBudget.forText(content.text.length));
      result.ports.push(...d.ports.slice(0, MAX_PORTS_PER_FILE));
      if (d.ports.length > MAX_PORTS_PER_FILE) { result.notes.push({ file, message: `names ${d.ports.length} ports; only the first ${MAX_PORTS_PER_FILE} are watched` }); }
      result.notes.push(...d.notes.slice(0, MAX_NOTES_PER_FILE));
      if (d.notes.length > MAX_NOTES_PER_FILE) { result.notes.push({ file, message: `${d.notes.length - MAX_NOTES_PER_FILE} more notes like these not shown` }); }
    } catch (e) {
      const why = e instanceof BudgetExceeded ? 'too expensive to analyse' : `could not be analysed (${e instanceof Error ? e.message : String(e)})`;
      result.notes.push({ file, message: `${why}; skipped` });
    }
  }
  // A port set in a config file replaces the tool's default: `vite` + server.port 3001 → 3001 only.
  const configured = new Set(result.ports.filter(p => p.kind === 'explicit' && p.defaultOf).map(p => p.defaultOf));
  result.ports = result.ports.filter(p => !(p.kind === 'default' && p.defaultOf && configured.has(p.defaultOf)));
  return result;
}
