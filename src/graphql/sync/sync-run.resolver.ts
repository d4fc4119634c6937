import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { SyncRunType } from './sync-run.type';

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
    const { run, finished } = await services.syncRuns.start(request, connectorId, dryRun);
    return SyncRunType.from(wait ? await finished : run);
  }

  @Query(() => SyncRunType, { nullable: true, description: 'One sync run, or null.' })
  async syncRun(@Arg('id', () => ID, { description: 'The run’s id.' }) id: string, @Ctx() { request, services }: GraphQLContext): Promise<SyncRunType | null> {
    const run = await services.syncRuns.get(request, id);
    return run && SyncRunType.from(run);
  }
}
