import { InvalidArgumentError } from 'commander';
import { Api, UsageError } from './api';

/** What every command gets: the API (made on first use, from flags or the environment) and the output streams. */
export interface CliContext {
  api(): Api;
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: progress bars are drawn only there, unless asked for. */
  stderrIsTTY: boolean;
}

export function contextFrom(globals: () => { url?: string; token?: string }, env: NodeJS.ProcessEnv): CliContext {
  let api: Api | null = null;
  return {
    api() {
      if (api) return api;
      const { url = env.SCIMDIR_URL, token = env.SCIMDIR_TOKEN } = globals();
      if (!url) throw new UsageError('the service URL is missing: pass --url or set SCIMDIR_URL');
      if (!token) throw new UsageError('an admin token is missing: pass --token or set SCIMDIR_TOKEN');
      api = new Api(url, token);
      return api;
    },
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}

/** The connector a `--connector` names, by id or else by name (case-insensitively). */
export async function resolveConnector(api: Api, ref: string): Promise<{ id: string; name: string }> {
  const { connectors } = await api.request<{ connectors: Array<{ id: string; name: string }> }>('{ connectors { id name } }');
  const byId = connectors.find((connector) => connector.id === ref);
  if (byId) return byId;
  const named = connectors.filter((connector) => connector.name.toLowerCase() === ref.toLowerCase());
  if (named.length === 1) return named[0];
  if (named.length > 1) throw new UsageError(`${named.length} connectors are named "${ref}": name one by its id (${named.map((connector) => connector.id).join(', ')})`);
  throw new UsageError(`no connector has the id or name "${ref}" (see: connector list)`);
}

/** Commander's collector for a repeatable option. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function wholeNumber(raw: string): number {
  if (!/^\d+$/.test(raw)) throw new InvalidArgumentError('must be a whole number');
  return Number(raw);
}
