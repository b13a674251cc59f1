// Entry point of the `port-inspector` command. Each subcommand lives in src/cli/<name>Command.ts.
import { UsageError } from './cli/args';
import { helpText } from './cli/help';
import { listCommand } from './cli/listCommand';
import { whoCommand } from './cli/whoCommand';
import { killCommand } from './cli/killCommand';
import { scanCommand } from './cli/scanCommand';

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, Command> = {
  list: listCommand,
  who: whoCommand,
  kill: killCommand,
  scan: scanCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(helpText(rest[0]));
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`port-inspector: unknown command "${name}" (try --help)\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(helpText(name));
    return 0;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`port-inspector ${name}: ${e.message}\n`);
      return 2;
    }
    // Anything else is a failure of the system, not of the arguments: one line, no stack.
    process.stderr.write(`port-inspector ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 3;
  }
}

if (require.main === module) {
  // EPIPE when piped into `head` is not an error worth a stack trace.
  process.stdout.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'EPIPE') { process.exit(0); } });
  main(process.argv.slice(2)).then(code => { process.exitCode = code; });
}
