import { Field, InputType } from 'type-graphql';

@InputType({ description: 'What a new connector needs.' })
export class CreateConnectorInput {
  @Field({ description: 'A name for admins (1–255 characters).' })
  name: string;
}
