import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../pagination';
import type { MembershipSource } from '../../db/entities/membership.entity';
import type { DirectoryMembership } from '../../domain/directory/directory.types';

export enum MembershipSourceEnum {
  IDP = 'IDP',
  POLICY = 'POLICY',
  LOCAL = 'LOCAL',
  COPIED = 'COPIED',
}
registerEnumType(MembershipSourceEnum, {
  name: 'MembershipSource',
  description: 'What keeps a membership.',
  valuesConfig: {
    IDP: { description: 'The identity provider reports the group for the user.' },
    POLICY: { description: 'A connector’s always assign.' },
    LOCAL: { description: 'An admin added it (addGroupMember).' },
    COPIED: { description: 'Copy behaviour took it from the user’s namesake in another directory.' },
  },
});

@ObjectType('Membership', { description: 'A user in a group.' })
export class MembershipType {
  @Field(() => MembershipSourceEnum, { description: 'What keeps the membership.' })
  managedBy: MembershipSource;

  @Field({ description: 'When the user joined the group.' })
  createdAt: Date;

  /** Not fields: Membership.user and Membership.group load what they point to. */
  userId: string;
  groupId: string;

  static from(membership: DirectoryMembership): MembershipType {
    return Object.assign(new MembershipType(), { ...membership });
  }
}

@ObjectType({ description: 'A membership an admin added or removed, and what the next sync will do about it.' })
export class MembershipChangePayload {
  @Field(() => MembershipType, { description: 'The membership added, or the one removed as it was.' })
  membership: MembershipType;

  @Field(() => String, {
    nullable: true,
    description:
      'Null when the next sync leaves the change alone. Otherwise why it will not: for a synced user, the next sync removes an added membership unless the IdP reports the group (after only/never assign), always assign names it, or it matches a never-remove pattern; it adds a removed one back when the IdP reports it or always assign names it.',
  })
  warning: string | null;
}

export const MembershipConnection = Connection(MembershipType, 'Membership');
export type MembershipConnection = InstanceType<typeof MembershipConnection>;
