/**
 * The provisioning phases the benchmark times, in the order Entra ID would run them for a new
 * tenant. Every request body is built before its phase's clock starts.
 */
import type { ScimClient, ScimResponse } from './http-client';
import { formatFlat } from './report';
import {
  addMembersBody,
  createGroupBody,
  createUserBody,
  DEACTIVATE_USER_BODY,
  groupFilterPath,
  removeMembersBody,
  updateUserBody,
  userFilterPath,
} from './entra-requests';
import type { RssSampler } from './rss';
import { PhaseRecorder, PhaseResult, percentile, runConcurrently, sortedSamples } from './stats';

export const PHASES = [
  'creates',
  'groups',
  'member-adds',
  'updates',
  'deactivations',
  'member-removals',
  'deletes',
  'group-deletes',
  'flat',
] as const;
export type PhaseName = (typeof PHASES)[number];

/** What each phase works on, so that asking for it without its source is refused up front. */
export const PHASE_NEEDS: Record<PhaseName, PhaseName[]> = {
  creates: [],
  groups: [],
  'member-adds': ['creates', 'groups'],
  updates: ['creates'],
  deactivations: ['creates'],
  'member-removals': ['member-adds'],
  deletes: ['creates'],
  'group-deletes': ['groups'],
  flat: [],
};

const OK = [200];
const CREATED = [201];
const DELETED = [204];
// A user PATCH may answer with the resource or with nothing; a group PATCH likewise.
const PATCHED = [200, 204];

/** One in this many users is deactivated, and the same ones are deleted, as a leaver would be. */
const LEAVER_EVERY = 10;
/** One in this many memberships is removed again. */
const REMOVED_MEMBERSHIP_EVERY = 3;
/** Members of the small group in the group-size check. */
const SMALL_GROUP_SIZE = 10;
/** Filling the big group is setup, not measurement: bigger batches make it shorter. */
const BIG_GROUP_FILL_BATCH = 1000;

export interface WorkloadOptions {
  runId: string;
  users: number;
  groups: number;
  concurrency: number;
  memberBatch: number;
  groupsPerUser: number;
  bigGroup: number;
  flatAdds: number;
  /** Send user updates as Replace operations only, for servers that implement nothing else. */
  replaceOnly: boolean;
}

export interface FlatResult {
  smallGroupMembers: number;
  bigGroupMembers: number;
  smallGroupP50Ms: number;
  bigGroupP50Ms: number;
  /** bigGroupP50Ms / smallGroupP50Ms: the target is at most 2. */
  ratio: number;
}

/** A phase's requests, built and ready to send through the recorder. */
type Sender = (recorder: PhaseRecorder) => Promise<void>;

interface Resource {
  name: string;
  /** The server's id, once it answered the create. */
  id?: string;
}

function idOf(response: ScimResponse): string | undefined {
  if (response.status !== 201) return undefined;
  try {
    const id: unknown = JSON.parse(response.body).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function withIds(resources: Resource[]): Required<Resource>[] {
  return resources.filter((resource): resource is Required<Resource> => resource.id !== undefined);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/**
 * Round-robin over the lists: consecutive requests go to different groups, as Entra's do, so that
 * concurrent workers rarely PATCH the same group at once.
 */
function interleave<T>(lists: readonly T[][]): T[] {
  const result: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let position = 0; position < longest; position++) {
    for (const list of lists) if (position < list.length) result.push(list[position]);
  }
  return result;
}

export class Workload {
  private readonly users: Resource[];
  private readonly groups: Resource[];
  /** Per group, the user ids sent to it in member-adds. */
  private readonly members = new Map<Resource, string[]>();
  flat?: FlatResult;

  constructor(
    private readonly client: ScimClient,
    private readonly options: WorkloadOptions,
    private readonly rss: RssSampler | undefined,
    /** Told when each timed phase starts and ends: the group-size check alone may take an hour. */
    private readonly progress: (line: string) => void,
  ) {
    this.users = Array.from({ length: options.users }, (_, i) => ({ name: this.userName(`u${i}`) }));
    this.groups = Array.from({ length: options.groups }, (_, i) => ({ name: `bench-${options.runId}-g${i}` }));
  }

  /** Entra's Test Connection: a filter that matches nothing must answer 200. */
  async testConnection(): Promise<void> {
    const path = userFilterPath(this.userName('probe'));
    const response = await this.client.request('GET', path, undefined);
    if (response.status === 200) return;
    const answer = response.status === 0 ? `no answer (${response.body})` : `${response.status} ${response.body.slice(0, 200)}`;
    const hint = response.status === 404 ? ' (nothing serves SCIM at this base URL)' : '';
    throw new Error(`the SCIM endpoint fails Entra's Test Connection: GET ${this.client.baseUrl}${path} -> ${answer}${hint}`);
  }

  /** Runs one phase and answers its figures (the group-size check answers its setup too). */
  async run(phase: PhaseName): Promise<PhaseResult[]> {
    switch (phase) {
      case 'creates':
        // Entra looks a user up by userName before it creates it: both requests count.
        return [await this.timed('creates', () => this.userCreates(this.users, true))];
      case 'groups':
        return [await this.timed('groups', () => this.groupCreates(this.groups))];
      case 'member-adds':
        return [await this.timed('member-adds', () => this.memberAdds())];
      case 'updates': {
        const note = this.options.replaceOnly ? 'Replace-only body (Add on emails sent as Replace)' : undefined;
        return [await this.timed('updates', () => this.userUpdates(), note)];
      }
      case 'deactivations':
        return [await this.timed('deactivations', () => this.deactivations())];
      case 'member-removals':
        return [await this.timed('member-removals', () => this.memberRemovals())];
      case 'deletes':
        return [await this.timed('deletes', () => this.leaverDeletes())];
      case 'group-deletes':
        return [await this.timed('group-deletes', () => this.groupDeletes())];
      case 'flat':
        return this.checkGroupSizeIndependence();
    }
  }

  private userName(suffix: string): string {
    return `bench-${this.options.runId}-${suffix}@contoso.example`;
  }

  /** Builds the phase's requests, then starts its clock and sends them. */
  private async timed(name: string, prepare: () => Sender, note?: string): Promise<PhaseResult> {
    const send = prepare();
    this.progress(`${name}…`);
    await this.rss?.settle();
    this.rss?.takePhasePeakMb();
    const cpuBefore = this.rss?.cpuMs();
    const recorder = new PhaseRecorder(this.client, name);
    await send(recorder);
    const result = recorder.finish(note);
    await this.rss?.settle();
    if (this.rss) result.peakRssMb = this.rss.takePhasePeakMb();
    const cpuAfter = this.rss?.cpuMs();
    if (cpuBefore !== undefined && cpuAfter !== undefined) result.serverCpuUsPerRequest = ((cpuAfter - cpuBefore) * 1000) / result.requests;
    const rss = result.peakRssMb === undefined ? '' : `, server RSS up to ${result.peakRssMb.toFixed(0)} MB`;
    this.progress(
      `${name}: ${result.requests} requests in ${result.seconds.toFixed(1)} s (${result.requestsPerSecond.toFixed(0)}/s, ` +
        `p99 ${result.p99Ms.toFixed(1)} ms), ${result.errors} errors${rss}`,
    );
    return result;
  }

  private concurrently(count: number, task: (index: number) => Promise<void>): Promise<void> {
    return runConcurrently(count, this.options.concurrency, task);
  }

  private userCreates(users: Resource[], lookUpFirst: boolean): Sender {
    const bodies = users.map((user, i) => createUserBody(user.name, i));
    const filters = users.map((user) => userFilterPath(user.name));
    return (recorder: PhaseRecorder) =>
      this.concurrently(users.length, async (i) => {
        if (lookUpFirst) await recorder.send('GET', filters[i], undefined, OK);
        users[i].id = idOf(await recorder.send('POST', '/Users', bodies[i], CREATED));
      });
  }

  private groupCreates(groups: Resource[]): Sender {
    const bodies = groups.map((group) => createGroupBody(group.name));
    const filters = groups.map((group) => groupFilterPath(group.name));
    return (recorder: PhaseRecorder) =>
      this.concurrently(groups.length, async (i) => {
        await recorder.send('GET', filters[i], undefined, OK);
        groups[i].id = idOf(await recorder.send('POST', '/Groups', bodies[i], CREATED));
      });
  }

  /** User i joins groups i, i+1, … (mod G), so every group gets the same number of members. */
  private planMemberships(): void {
    const groups = this.groups;
    const perUser = Math.min(this.options.groupsPerUser, groups.length);
    this.users.forEach((user, i) => {
      if (user.id === undefined) return;
      for (let k = 0; k < perUser; k++) {
        const group = groups[(i + k) % groups.length];
        if (group.id === undefined) continue;
        const members = this.members.get(group) ?? [];
        members.push(user.id);
        this.members.set(group, members);
      }
    });
  }

  private memberAdds(): Sender {
    this.planMemberships();
    const batches = interleave(
      [...this.members].map(([group, userIds]) => chunks(userIds, this.options.memberBatch).map((batch) => ({ group, batch }))),
    );
    return this.groupPatches(batches.map(({ group, batch }) => ({ group, body: addMembersBody(batch) })));
  }

  /** One member per request, as Entra often sends removals. */
  private memberRemovals(): Sender {
    const removals = interleave(
      [...this.members].map(([group, userIds]) =>
        userIds.filter((_, i) => i % REMOVED_MEMBERSHIP_EVERY === 0).map((userId) => ({ group, userId })),
      ),
    );
    return this.groupPatches(removals.map(({ group, userId }) => ({ group, body: removeMembersBody([userId]) })));
  }

  private groupPatches(patches: { group: Resource; body: string }[]): Sender {
    return (recorder: PhaseRecorder) =>
      this.concurrently(patches.length, async (i) => {
        await recorder.send('PATCH', `/Groups/${patches[i].group.id}`, patches[i].body, PATCHED);
      });
  }

  private userUpdates(): Sender {
    const users = withIds(this.users);
    const bodies = users.map((user, i) => updateUserBody(user.name, i, this.options.replaceOnly));
    return (recorder: PhaseRecorder) =>
      this.concurrently(users.length, async (i) => {
        await recorder.send('PATCH', `/Users/${users[i].id}`, bodies[i], PATCHED);
      });
  }

  private leavers(): Required<Resource>[] {
    return withIds(this.users.filter((_, i) => i % LEAVER_EVERY === 0));
  }

  private deactivations(): Sender {
    const leavers = this.leavers();
    return (recorder: PhaseRecorder) =>
      this.concurrently(leavers.length, async (i) => {
        await recorder.send('PATCH', `/Users/${leavers[i].id}`, DEACTIVATE_USER_BODY, PATCHED);
      });
  }

  private leaverDeletes(): Sender {
    const leavers = this.leavers();
    return async (recorder: PhaseRecorder) => {
      await this.concurrently(leavers.length, async (i) => {
        await recorder.send('DELETE', `/Users/${leavers[i].id}`, undefined, DELETED);
      });
    };
  }

  /** Every group, with the members it still has: a phase of its own, as each costs a whole member list. */
  private groupDeletes(): Sender {
    const groups = withIds(this.groups);
    return async (recorder: PhaseRecorder) => {
      await this.concurrently(groups.length, async (i) => {
        await recorder.send('DELETE', `/Groups/${groups[i].id}`, undefined, DELETED);
      });
    };
  }

  /**
   * Adding one member must cost the same whatever the group's size. Setup (timed as its own
   * phase): bigGroup + flatAdds users, a small and a big group, filled. Then single-member adds
   * alternate between the two groups, one at a time so that neither waits behind the other.
   */
  private async checkGroupSizeIndependence(): Promise<PhaseResult[]> {
    const { bigGroup, flatAdds, runId } = this.options;
    const users: Resource[] = Array.from({ length: bigGroup + flatAdds }, (_, i) => ({ name: this.userName(`f${i}`) }));
    const small: Resource = { name: `bench-${runId}-flat-small` };
    const big: Resource = { name: `bench-${runId}-flat-big` };
    const setup = await this.timed('flat-setup', () => this.sizedGroupsSetup(users, small, big));

    const adds = withIds(users.slice(bigGroup));
    const latencies = { small: [] as number[], big: [] as number[] };
    const bodies = adds.map((user) => addMembersBody([user.id]));
    const measure = await this.timed(
      'flat',
      () => async (recorder) => {
        for (let i = 0; i < adds.length; i++) {
          // Alternating which group goes first keeps any warm-cache advantage off one side.
          const order = i % 2 === 0 ? (['small', 'big'] as const) : (['big', 'small'] as const);
          for (const which of order) {
            const group = which === 'small' ? small : big;
            const response = await recorder.send('PATCH', `/Groups/${group.id}`, bodies[i], PATCHED);
            latencies[which].push(response.latencyMs);
          }
        }
      },
      'one member added per request, one request at a time',
    );
    const smallGroupP50Ms = percentile(sortedSamples(latencies.small), 50);
    const bigGroupP50Ms = percentile(sortedSamples(latencies.big), 50);
    this.flat = {
      smallGroupMembers: SMALL_GROUP_SIZE,
      bigGroupMembers: bigGroup,
      smallGroupP50Ms,
      bigGroupP50Ms,
      ratio: smallGroupP50Ms > 0 ? bigGroupP50Ms / smallGroupP50Ms : 0,
    };
    this.progress(formatFlat(this.flat));
    return [setup, measure];
  }

  private sizedGroupsSetup(users: Resource[], small: Resource, big: Resource): Sender {
    const createUsers = this.userCreates(users, false);
    const createGroups = this.groupCreates([small, big]);
    return async (recorder: PhaseRecorder) => {
      await createUsers(recorder);
      await createGroups(recorder);
      const members = withIds(users.slice(0, this.options.bigGroup)).map((user) => user.id);
      await recorder.send('PATCH', `/Groups/${small.id}`, addMembersBody(members.slice(0, SMALL_GROUP_SIZE)), PATCHED);
      // One group's fill goes one request at a time: concurrent PATCHes of one group may race.
      for (const batch of chunks(members, BIG_GROUP_FILL_BATCH)) {
        await recorder.send('PATCH', `/Groups/${big.id}`, addMembersBody(batch), PATCHED);
      }
    };
  }
}
