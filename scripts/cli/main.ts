#!/usr/bin/env node
/**
 * scimdir: the command-line client of the admin API (`npm run cli -- …`, or the package's bin).
 * It speaks GraphQL only, with the URL and token of --url/--token or SCIMDIR_URL/SCIMDIR_TOKEN.
 * Exit codes: 0 success, 1 a usage error, 2 an error from the API (or a sync that did not succeed).
 */
import { Command, CommanderError } from 'commander';
import { ApiError, UsageError } from './api';
import { connectorCommands } from './connector';
import { contextFrom } from './context';
import { directoryCommands } from './directory';
import { syncCommand } from './sync';

export const EXIT_USAGE = 1;
export const EXIT_API = 2;

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const program = new Command('scimdir')
    .description('Administers a SCIM Directory service over its GraphQL admin API.')
    .option('--url <url>', 'the service’s URL, e.g. http://localhost:3000 (default: SCIMDIR_URL)')
    .option('--token <token>', 'an admin token (default: SCIMDIR_TOKEN)')
    .showHelpAfterError('(add --help for usage)');
  const cli = contextFrom(() => program.opts<{ url?: string; token?: string }>(), env);
  for (const command of [...connectorCommands(cli), syncCommand(cli), ...directoryCommands(cli)]) program.addCommand(command);
  // Commander exits by itself on a usage error; these codes are ours to choose.
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; a parse error has already been printed.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof ApiError) {
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT_API;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_API;
    },
  );
}
