import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { GroupOrigin } from '../../db/entities/group.entity';
import type { DirectoryGroup } from '../../domain/directory/directory.types';
import { Connection } from '../pagination';

export enum GroupOriginEnum {
  IDP = 'IDP',
  POLICY = 'POLICY',
  LOCAL = 'LOCAL',
}
registerEnumType(GroupOriginEnum, {
  name: 'GroupOrigin',
  description: 'Where a group came from.',
  valuesConfig: {
    IDP: { description: 'A group the identity provider reported.' },
    POLICY: { description: 'A group named by a connector’s always assign.' },
    LOCAL: { description: 'A group an admin created (createGroup).' },
  },
});

@ObjectType('Group', { description: 'A group of the application directory. Names are unique regardless of case, across all directories.' })
export class GroupType {
  @Field(() => ID, { description: 'The group’s id.' })
  id: string;

  @Field({ description: 'The group’s name.' })
  name: string;

  @Field(() => GroupOriginEnum, { description: 'Where the group came from.' })
  origin: GroupOrigin;

  @Field({ description: 'When the group was created.' })
  createdAt: Date;

  static from(group: DirectoryGroup): GroupType {
    return Object.assign(new GroupType(), { id: group.id, name: group.name, origin: group.origin, createdAt: group.createdAt });
  }
}

export const GroupConnection = Connection(GroupType, 'Group');
export type GroupConnection = InstanceType<typeof GroupConnection>;
