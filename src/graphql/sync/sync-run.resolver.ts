import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { decodeCursor, pageSize, toConnection, wholeNumberPart } from '../pagination';
import type { GraphQLContext } from '../context';
import { SyncLogEntryConnection, SyncLogEntryType, SyncRunType } from './sync-run.type';

@Resolver(() => SyncRunType)
export class SyncRunResolver {
  @Authorized('ADMIN')
  @Mutation(() => SyncRunType, {
    description:
      'Reconciles every user of a connector with its settings. Answers at once with the run (status RUNNING), or, with wait: true, when it has finished. With dryRun: true nothing is written but the run itself, and diff holds samples of what would change.',
  })
  async runSync(
    @Arg('connectorId', () => ID, { description: 'The connector.' }) connectorId: string,
    @Arg('dryRun', { defaultValue: false, description: 'Compute the changes without writing them.' }) dryRun: boolean,
    @Arg('wait', { defaultValue: false, description: 'Answer when the run has finished.' }) wait: boolean,
    @Ctx() { request, services }: GraphQLContext,
  ): Promise<SyncRunType> {
    const { run, finished } = await services.syncRuns.request(request, connectorId, dryRun ? { dryRun: true } : { dryRun: false });
    return SyncRunType.from(wait ? await finished() : run);
  }

  @Query(() => SyncRunType, { nullable: true, description: 'One sync run, or null.' })
  async syncRun(@Arg('id', () => ID, { description: 'The run’s id.' }) id: string, @Ctx() { request, services }: GraphQLContext): Promise<SyncRunType | null> {
    const run = await services.syncRuns.get(request, id);
    return run && SyncRunType.from(run);
  }

  @FieldResolver(() => SyncLogEntryConnection, { description: 'The run’s log, oldest line first.' })
  async log(
    @Root() run: SyncRunType,
    @Arg('first', () => Int, { nullable: true, description: 'Lines in the page (at most 200; default 50).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Ctx() { loaders }: GraphQLContext,
  ): Promise<SyncLogEntryConnection> {
    const cursor = decodeCursor(after, 1, wholeNumberPart);
    const afterId = cursor && Number(cursor[0]);
    const page = await loaders.logPages.load({ syncRunId: run.id, first: pageSize(first), afterId });
    return toConnection(
      page,
      (entry) => Object.assign(new SyncLogEntryType(), { at: entry.at, level: entry.level, message: entry.message, userName: entry.userName }),
      (entry) => [String(entry.id)],
    );
  }
}
