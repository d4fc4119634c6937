import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { DisabledReason } from '../../db/entities/user.entity';
import type { DirectoryUser } from '../../domain/directory/directory.types';
import { Connection } from '../pagination';

export enum DisabledReasonEnum {
  ADMIN = 'ADMIN',
  CLEANUP = 'CLEANUP',
  IDP = 'IDP',
}
registerEnumType(DisabledReasonEnum, {
  name: 'DisabledReason',
  description: 'Why a user is disabled; a sync enables again only what it disabled itself.',
  valuesConfig: {
    ADMIN: { description: 'An admin disabled the user (setUserEnabled); no sync enables it again.' },
    CLEANUP: { description: 'The connector’s cleanup: deleted in the IdP, in no required group, or dropped by a mapping.' },
    IDP: { description: 'The identity provider says active=false.' },
  },
});

@ObjectType('User', { description: 'A user of the application directory, as mapping, group policies and cleanup made it (or a local user).' })
export class UserType {
  @Field(() => ID, { description: 'The user’s id.' })
  id: string;

  @Field(() => ID, { description: 'The directory holding the user: a connector’s (Connector.directoryId) or the local one.' })
  directoryId: string;

  @Field({ description: 'The user’s name, unique in its directory regardless of case.' })
  userName: string;

  @Field(() => String, { nullable: true, description: 'The name to show.' })
  displayName: string | null;

  @Field(() => String, { nullable: true, description: 'The email address.' })
  email: string | null;

  @Field({ description: 'Whether the user may sign in to the application.' })
  active: boolean;

  @Field(() => DisabledReasonEnum, { nullable: true, description: 'Why the user is disabled; null when active.' })
  disabledReason: DisabledReason | null;

  /** Not a field: User.idpResource loads what it points to. */
  idpUserId: string | null;

  static from(user: DirectoryUser): UserType {
    return Object.assign(new UserType(), {
      id: user.id,
      directoryId: user.directoryId,
      userName: user.userName,
      displayName: user.displayName,
      email: user.email,
      active: user.active,
      disabledReason: user.disabledReason,
      idpUserId: user.idpUserId,
    });
  }
}

export const UserConnection = Connection(UserType, 'User');
export type UserConnection = InstanceType<typeof UserConnection>;
