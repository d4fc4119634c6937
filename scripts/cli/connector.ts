import fs from 'node:fs';
import { Command, Option } from 'commander';
import { UsageError } from './api';
import { collect, CliContext, resolveConnector, wholeNumber } from './context';
import { fields, json, table } from './output';

interface ConnectorRow {
  id: string;
  name: string;
  enabled: boolean;
  scimBaseUrl: string;
  cleanupAction: string;
  stats: { users: number; activeUsers: number; groups: number; memberships: number };
  lastSync: { kind: string; status: string; startedAt: string; finishedAt: string | null } | null;
}

const CONNECTOR_FIELDS = 'id name enabled scimBaseUrl cleanupAction stats { users activeUsers groups memberships } lastSync { kind status startedAt finishedAt }';

/** The five pattern lists: each CLI flag, its GroupPolicyInput field, and how people say it. */
const LISTS = [
  { flag: 'always', field: 'alwaysAssign', label: 'always assign' },
  { flag: 'only', field: 'onlyAssign', label: 'only assign' },
  { flag: 'never', field: 'neverAssign', label: 'never assign' },
  { flag: 'neverRemove', field: 'neverRemove', label: 'never remove' },
  { flag: 'required', field: 'required', label: 'required' },
] as const;
type ListField = (typeof LISTS)[number]['field'];
type Policy = Record<ListField, string[]>;
const POLICY_FIELDS = LISTS.map((list) => list.field).join(' ');

export function connectorCommands(cli: CliContext): Command[] {
  const connector = new Command('connector').description('Connectors: list, create, rotate a token, enable, disable.');
  connector
    .command('list')
    .description('Every connector with its directory’s counts and last sync.')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { connectors } = await cli.api().request<{ connectors: ConnectorRow[] }>(`{ connectors { ${CONNECTOR_FIELDS} } }`);
      if (options.json) return cli.out(json(connectors));
      cli.out(
        table(
          ['id', 'name', 'enabled', 'users', 'active', 'groups', 'memberships', 'last sync'],
          connectors.map((row) => [
            row.id,
            row.name,
            row.enabled,
            row.stats.users,
            row.stats.activeUsers,
            row.stats.groups,
            row.stats.memberships,
            row.lastSync && `${row.lastSync.kind} ${row.lastSync.status} ${row.lastSync.finishedAt ?? row.lastSync.startedAt}`,
          ]),
        ),
      );
    });
  connector
    .command('create <name>')
    .description('Creates a connector; prints its SCIM base URL and bearer token (shown this once).')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const { createConnector } = await cli
        .api()
        .request<{ createConnector: { connector: { id: string; name: string; scimBaseUrl: string }; token: string } }>(
          'mutation ($name: String!) { createConnector(input: { name: $name }) { connector { id name scimBaseUrl } token } }',
          { name },
        );
      if (options.json) return cli.out(json(createConnector));
      cli.out(fields([['id', createConnector.connector.id], ['name', createConnector.connector.name], ['tenant URL', createConnector.connector.scimBaseUrl], ['secret token', createConnector.token]]));
      cli.err('The token is shown this once: paste it into the IdP’s provisioning settings now.');
    });
  connector
    .command('rotate-token <connector>')
    .description('Issues a new SCIM token; the older ones keep working for --grace seconds.')
    .option('--grace <seconds>', 'how long the older tokens keep working', wholeNumber, 0)
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { grace: number; json?: boolean }) => {
      const { id } = await resolveConnector(cli.api(), ref);
      const { rotateConnectorToken } = await cli
        .api()
        .request<{ rotateConnectorToken: { token: string } }>('mutation ($id: ID!, $grace: Int) { rotateConnectorToken(connectorId: $id, graceSeconds: $grace) { token } }', {
          id,
          grace: options.grace,
        });
      if (options.json) return cli.out(json(rotateConnectorToken));
      cli.out(rotateConnectorToken.token);
      cli.err(`The token is shown this once. The older ones ${options.grace > 0 ? `keep working for ${options.grace} s` : 'stopped working'}.`);
    });
  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    connector
      .command(`${verb} <connector>`)
      .description(enabled ? 'Lets the connector’s SCIM endpoint accept requests again.' : 'Makes the connector’s SCIM endpoint answer 403 to every request.')
      .action(async (ref: string) => {
        const { id, name } = await resolveConnector(cli.api(), ref);
        await cli.api().request('mutation ($id: ID!, $enabled: Boolean!) { updateConnector(id: $id, input: { enabled: $enabled }) { id } }', { id, enabled });
        cli.out(`${name}: ${enabled ? 'enabled' : 'disabled'}`);
      });
  }
  return [connector, patternsCommand(cli), cleanupCommand(cli), mappingsCommand(cli)];
}

function policyOptions(command: Command, verb: string): Command {
  for (const list of LISTS) {
    const flag = list.flag === 'neverRemove' ? '--never-remove' : `--${list.flag}`;
    command.option(`${flag} <pattern>`, `${verb} a pattern of ${list.label} (repeatable)`, collect);
  }
  return command;
}

/** The lists given on the command line, by GroupPolicyInput field. */
function givenLists(options: Record<string, unknown>): Partial<Policy> {
  const given: Partial<Policy> = {};
  for (const list of LISTS) if (options[list.flag] !== undefined) given[list.field] = options[list.flag] as string[];
  return given;
}

function printPolicy(cli: CliContext, name: string, policy: Policy, asJson: boolean | undefined): void {
  if (asJson) return cli.out(json(policy));
  cli.out(`Group policy of ${name}:`);
  for (const list of LISTS) cli.out(`  ${`${list.label}:`.padEnd(15)} ${policy[list.field].length > 0 ? policy[list.field].join(', ') : '-'}`);
}

function patternsCommand(cli: CliContext): Command {
  const patterns = new Command('patterns').description('A connector’s group policy: five lists of patterns (full-match regular expressions).');
  const connectorOption = () => new Option('--connector <id or name>', 'the connector').makeOptionMandatory();
  const read = async (ref: string) => {
    const connector = await resolveConnector(cli.api(), ref);
    const { connector: found } = await cli
      .api()
      .request<{ connector: { groupPolicy: Policy } | null }>(`query ($id: ID!) { connector(id: $id) { groupPolicy { ${POLICY_FIELDS} } } }`, { id: connector.id });
    if (!found) throw new UsageError(`connector "${ref}" is gone`);
    return { connector, policy: found.groupPolicy };
  };
  const save = async (connector: { id: string; name: string }, input: Partial<Policy>, asJson: boolean | undefined) => {
    const { updateGroupPolicy } = await cli
      .api()
      .request<{ updateGroupPolicy: { groupPolicy: Policy } }>(
        `mutation ($id: ID!, $input: GroupPolicyInput!) { updateGroupPolicy(connectorId: $id, input: $input) { groupPolicy { ${POLICY_FIELDS} } } }`,
        { id: connector.id, input },
      );
    printPolicy(cli, connector.name, updateGroupPolicy.groupPolicy, asJson);
    if (!asJson) cli.err('A full sync of the connector has started, so that its directory follows (see: sync run).');
  };

  patterns
    .command('show')
    .description('Prints the five lists.')
    .addOption(connectorOption())
    .option('--json', 'print JSON')
    .action(async (options: { connector: string; json?: boolean }) => {
      const { connector, policy } = await read(options.connector);
      printPolicy(cli, connector.name, policy, options.json);
    });
  policyOptions(
    patterns
      .command('set')
      .description('Replaces the lists given, and only those (--clear <list> empties one); a list left out stays as it is.')
      .addOption(connectorOption())
      .addOption(new Option('--clear <list>', 'empty this list (repeatable)').choices(['always', 'only', 'never', 'never-remove', 'required']).argParser(collect))
      .option('--json', 'print JSON'),
    'set',
  ).action(async (options: Record<string, unknown> & { connector: string; clear?: string[]; json?: boolean }) => {
    const input = givenLists(options);
    for (const cleared of options.clear ?? []) {
      const list = LISTS.find((candidate) => (candidate.flag === 'neverRemove' ? 'never-remove' : candidate.flag) === cleared)!;
      if (input[list.field]) throw new UsageError(`--clear ${cleared} and patterns of ${list.label} contradict each other`);
      input[list.field] = [];
    }
    if (Object.keys(input).length === 0) throw new UsageError('give at least one list to set (e.g. --only "jira-.*"), or --clear one');
    const connector = await resolveConnector(cli.api(), options.connector);
    await save(connector, input, options.json);
  });
  for (const [verb, adding] of [['add', true], ['remove', false]] as const) {
    policyOptions(
      patterns
        .command(verb)
        .description(adding ? 'Adds patterns to the lists given (a pattern there already stays once).' : 'Removes patterns from the lists given (one not there is left alone).')
        .addOption(connectorOption())
        .option('--json', 'print JSON'),
      verb,
    ).action(async (options: Record<string, unknown> & { connector: string; json?: boolean }) => {
      const given = givenLists(options);
      if (Object.keys(given).length === 0) throw new UsageError(`give at least one pattern to ${verb} (e.g. --never "temp-.*")`);
      const { connector, policy } = await read(options.connector);
      const input: Partial<Policy> = {};
      for (const [field, patternsGiven] of Object.entries(given) as Array<[ListField, string[]]>) {
        const current = policy[field];
        input[field] = adding ? [...current, ...patternsGiven.filter((pattern, index) => !current.includes(pattern) && patternsGiven.indexOf(pattern) === index)] : current.filter((pattern) => !patternsGiven.includes(pattern));
        for (const pattern of patternsGiven) {
          if (adding === current.includes(pattern)) cli.err(`${LISTS.find((list) => list.field === field)!.label}: "${pattern}" ${adding ? 'is there already' : 'is not there'}`);
        }
      }
      await save(connector, input, options.json);
    });
  }
  return patterns;
}

function cleanupCommand(cli: CliContext): Command {
  const cleanup = new Command('cleanup').description('What happens to users the IdP deletes, in no required group, or dropped by a mapping.');
  cleanup
    .command('set <action>')
    .description('Sets the cleanup action: DISABLE (the default), DELETE or KEEP.')
    .addOption(new Option('--connector <id or name>', 'the connector').makeOptionMandatory())
    .action(async (action: string, options: { connector: string }) => {
      const upper = action.toUpperCase();
      if (!['DISABLE', 'DELETE', 'KEEP'].includes(upper)) throw new UsageError(`the cleanup action must be DISABLE, DELETE or KEEP; got "${action}"`);
      const { id, name } = await resolveConnector(cli.api(), options.connector);
      await cli.api().request(`mutation ($id: ID!) { updateConnector(id: $id, input: { cleanupAction: ${upper} }) { id } }`, { id });
      cli.out(`${name}: cleanup ${upper}`);
      cli.err('A full sync of the connector has started, so that its directory follows.');
    });
  return cleanup;
}

const MAPPING_FIELDS = 'target property source transformations { fn args } onNoMatch';

function mappingsCommand(cli: CliContext): Command {
  const mappings = new Command('mappings').description('A connector’s attribute mappings, as a JSON file (what export writes, import reads).');
  mappings
    .command('export')
    .description('Writes the mappings as JSON (an empty list: the defaults).')
    .addOption(new Option('--connector <id or name>', 'the connector').makeOptionMandatory())
    .option('--file <path>', 'write to this file instead of stdout')
    .action(async (options: { connector: string; file?: string }) => {
      const { id } = await resolveConnector(cli.api(), options.connector);
      const { connector } = await cli.api().request<{ connector: { attributeMappings: unknown[] } }>(`query ($id: ID!) { connector(id: $id) { attributeMappings { ${MAPPING_FIELDS} } } }`, { id });
      const text = json(connector.attributeMappings);
      if (options.file) fs.writeFileSync(options.file, `${text}\n`);
      else cli.out(text);
    });
  mappings
    .command('import')
    .description('Replaces all the mappings with those of a JSON file (- for stdin); the service checks each before saving any.')
    .addOption(new Option('--connector <id or name>', 'the connector').makeOptionMandatory())
    .requiredOption('--file <path>', 'the JSON file, as export writes it')
    .action(async (options: { connector: string; file: string }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(fs.readFileSync(options.file === '-' ? 0 : options.file, 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read ${options.file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!Array.isArray(parsed)) throw new UsageError(`${options.file} must hold a JSON list of mappings, as export writes`);
      const { id, name } = await resolveConnector(cli.api(), options.connector);
      const { setAttributeMappings } = await cli
        .api()
        .request<{ setAttributeMappings: { attributeMappings: unknown[] } }>(
          `mutation ($id: ID!, $mappings: [AttributeMappingInput!]!) { setAttributeMappings(connectorId: $id, mappings: $mappings) { attributeMappings { target } } }`,
          { id, mappings: parsed },
        );
      cli.out(`${name}: ${setAttributeMappings.attributeMappings.length} mapping(s) saved`);
      cli.err('A full sync of the connector has started, so that every user is mapped anew.');
    });
  return mappings;
}
