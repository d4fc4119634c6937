import { Command, Option } from 'commander';
import { UsageError } from './api';
import { CliContext, resolveConnector, wholeNumber } from './context';
import { fields, json, table } from './output';

interface UserRow {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
  active: boolean;
  disabledReason: string | null;
  directoryId: string;
}

interface UserDetail extends UserRow {
  memberships: Array<{ managedBy: string; group: { id: string; name: string } }>;
  idpResource: unknown;
}

const USER_FIELDS = 'id userName displayName email active disabledReason directoryId';

/** Prints where the next page starts, for people; scripts find it in the JSON. */
function nextPage(cli: CliContext, pageInfo: { hasNextPage: boolean; endCursor: string | null }, total: number, shown: number): void {
  cli.err(`${shown} of ${total}${pageInfo.hasNextPage ? `; the next page: --after ${pageInfo.endCursor}` : ''}`);
}

export function directoryCommands(cli: CliContext): Command[] {
  const users = new Command('users').description('The application directory’s users.');
  users
    .command('list')
    .description('Users in userName order, a page at a time.')
    .option('--connector <id or name>', 'only this connector’s users')
    .option('--search <prefix>', 'a case-insensitive prefix of the userName')
    .addOption(new Option('--active', 'only active users').conflicts('inactive'))
    .option('--inactive', 'only inactive users')
    .option('--group <name>', 'only members of this group')
    .option('--first <n>', 'users in the page (at most 200)', wholeNumber, 50)
    .option('--after <cursor>', 'the page after this cursor')
    .option('--json', 'print JSON')
    .action(async (options: { connector?: string; search?: string; active?: boolean; inactive?: boolean; group?: string; first: number; after?: string; json?: boolean }) => {
      const api = cli.api();
      const connectorId = options.connector ? (await resolveConnector(api, options.connector)).id : null;
      const { users: page } = await api.request<{ users: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: UserRow }> } }>(
        `query ($connectorId: ID, $search: String, $active: Boolean, $group: String, $first: Int, $after: String) {
          users(connectorId: $connectorId, search: $search, active: $active, group: $group, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { ${USER_FIELDS} } }
          }
        }`,
        { connectorId, search: options.search ?? null, active: options.active ? true : options.inactive ? false : null, group: options.group ?? null, first: options.first, after: options.after ?? null },
      );
      if (options.json) return cli.out(json({ totalCount: page.totalCount, pageInfo: page.pageInfo, users: page.edges.map((edge) => edge.node) }));
      cli.out(table(['id', 'userName', 'displayName', 'email', 'active'], page.edges.map(({ node }) => [node.id, node.userName, node.displayName, node.email, node.active])));
      nextPage(cli, page.pageInfo, page.totalCount, page.edges.length);
    });
  users
    .command('show <user>')
    .description('One user by id or userName: the directory’s view, each membership with what manages it, and what the IdP sent.')
    .option('--connector <id or name>', 'the connector whose directory holds the userName')
    .option('--json', 'print JSON')
    .action(async (ref: string, options: { connector?: string; json?: boolean }) => {
      const api = cli.api();
      const DETAIL = `${USER_FIELDS} memberships { managedBy group { id name } } idpResource`;
      let { user } = await api.request<{ user: UserDetail | null }>(
        `query ($id: ID!) { user(id: $id) { ${DETAIL} } }`,
        { id: ref },
      );
      if (!user) {
        const connectorId = options.connector ? (await resolveConnector(api, options.connector)).id : null;
        const { users } = await api.request<{ users: { edges: Array<{ node: UserDetail }> } }>(
          `query ($connectorId: ID, $search: String) { users(connectorId: $connectorId, search: $search, first: 200) { edges { node { ${DETAIL} } } } }`,
          { connectorId, search: ref },
        );
        const matches = users.edges.map((edge) => edge.node).filter((node) => node.userName.toLowerCase() === ref.toLowerCase());
        if (matches.length === 0) throw new UsageError(`no user has the id or userName "${ref}"${options.connector ? ` in ${options.connector}` : ''}`);
        if (matches.length > 1) throw new UsageError(`${matches.length} directories hold a user "${ref}": say which with --connector`);
        user = matches[0];
      }
      if (options.json) return cli.out(json(user));
      cli.out(
        fields([
          ['id', user.id],
          ['userName', user.userName],
          ['displayName', user.displayName],
          ['email', user.email],
          ['active', user.active],
          ['disabled by', user.disabledReason],
          ['directory', user.directoryId],
        ]),
      );
      cli.out('');
      cli.out(user.memberships.length > 0 ? table(['group', 'managed by'], user.memberships.map((membership) => [membership.group.name, membership.managedBy])) : 'No memberships.');
      cli.out('');
      cli.out(user.idpResource ? `What the IdP sent:\n${json(user.idpResource)}` : 'Not from an IdP (a local user, or its IdP user was deleted).');
    });

  const groups = new Command('groups').description('The application directory’s groups.');
  groups
    .command('list')
    .description('Groups in name order, a page at a time.')
    .option('--search <prefix>', 'a case-insensitive prefix of the name')
    .addOption(new Option('--origin <origin>', 'only groups from here').choices(['IDP', 'LOCAL', 'POLICY']))
    .option('--first <n>', 'groups in the page (at most 200)', wholeNumber, 50)
    .option('--after <cursor>', 'the page after this cursor')
    .option('--json', 'print JSON')
    .action(async (options: { search?: string; origin?: string; first: number; after?: string; json?: boolean }) => {
      const { groups: page } = await cli.api().request<{
        groups: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string; name: string; origin: string; memberCount: number } }> };
      }>(
        `query ($search: String, $origin: GroupOrigin, $first: Int, $after: String) {
          groups(search: $search, origin: $origin, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { node { id name origin memberCount } }
          }
        }`,
        { search: options.search ?? null, origin: options.origin ?? null, first: options.first, after: options.after ?? null },
      );
      const rows = page.edges.map(({ node }) => ({ id: node.id, name: node.name, origin: node.origin, members: node.memberCount }));
      if (options.json) return cli.out(json({ totalCount: page.totalCount, pageInfo: page.pageInfo, groups: rows }));
      cli.out(table(['id', 'name', 'origin', 'members'], rows.map((row) => [row.id, row.name, row.origin, row.members])));
      nextPage(cli, page.pageInfo, page.totalCount, rows.length);
    });
  return [users, groups];
}
