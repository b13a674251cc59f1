// npm start: a real VS Code with this extension loaded from the repository and the current folder open.
//   - desktop VS Code when `code` is on PATH: code --extensionDevelopmentPath=<repo> <folder>
//   - otherwise code-server on 127.0.0.1 (set up on demand into .vscode-test/, like the tests), URL printed;
//     stays in the foreground, Ctrl-C stops it.
// Usage: npm start [-- --port N] [-- --code-server] [-- --no-build] [-- <folder>]
//   --port N       code-server port (default: a free one; env PORT_INSPECTOR_START_PORT)
//   --code-server  use code-server even when `code` exists
//   --no-build     skip `node esbuild.mjs`
//   <folder>       folder to open (default: where npm was run)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let port = process.env.PORT_INSPECTOR_START_PORT ?? '0';
let forceCodeServer = false, build = true;
// npm runs scripts in the package root; INIT_CWD is where the user typed npm start
let folder = process.env.INIT_CWD ?? process.cwd();
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--port') { port = args[++i] ?? ''; }
  else if (a === '--code-server') { forceCodeServer = true; }
  else if (a === '--no-build') { build = false; }
  else if (a.startsWith('-')) { fail(`unknown option ${a}\nusage: npm start [-- --port N] [-- --code-server] [-- --no-build] [-- <folder>]`, 2); }
  else { folder = path.resolve(process.env.INIT_CWD ?? process.cwd(), a); }
}
if (!/^\d+$/.test(port) || Number(port) > 65535) { fail(`--port must be 0-65535, got "${port}"`, 2); }
if (!existsSync(folder)) { fail(`folder not found: ${folder}`, 2); }

function fail(message, code = 1) { console.error(`npm start: ${message}`); process.exit(code); }
function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { fail(`${cmd} ${cmdArgs.join(' ')} failed`); }
}

if (build) { run(process.execPath, ['esbuild.mjs']); }

const hasCode = !forceCodeServer && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasCode) {
  const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${root}`, folder], { stdio: 'inherit', detached: true });
  child.on('error', e => fail(`cannot start code: ${e.message}`));
  child.unref();
  console.log(`opened VS Code on ${folder} with the extension from ${root}`);
} else {
  const cs = await import('./lib/code-server.mjs');
  // idempotent and ~1 s when everything is there; the browser is the user's own, so no chromium
  run('bash', [path.join(root, 'scripts/setup-test-vscode.sh'), '--no-browser']);
  // Persistent profile (settings, state survive restarts), separate from the tests' throw-away ones.
  const dirs = cs.makeProfile(path.join(cs.csHome, 'start'), cs.quietSettings, { keepSettings: true });
  const verbose = process.env.VERBOSE === '1';
  const { origin, server, stop } = await cs.startCodeServer({ dirs, env: cs.serverEnv(dirs), port: Number(port), verbose })
    .catch(e => fail(e.message));
  const url = cs.workbenchUrl(origin, folder, { extensionDevelopmentPath: root });
  console.log(`\nPort Inspector in code-server, folder ${folder}:\n\n  ${url}\n\nOpen that URL in a browser on this machine. Ctrl-C stops the server.`);
  let stopping = false;
  server.on('exit', code => { if (!stopping) { fail(`code-server exited (${code})`); } });
  const onSignal = () => { stopping = true; void stop().then(() => process.exit(0)); };
  process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal);
}
