import { Field, InputType, ObjectType } from 'type-graphql';

@ObjectType('GroupPolicy', {
  description:
    'Which groups a connector’s users get. alwaysAssign holds group names; the other lists hold patterns: regular expressions (RE2 syntax) that must match the whole group name, in any letter case.',
})
export class GroupPolicyType {
  @Field(() => [String], { description: 'Groups every synced user is put in, at every sync (a user removed by hand is put back).' })
  alwaysAssign: string[];

  @Field(() => [String], { description: 'When not empty, only the IdP groups matching one of these are assigned.' })
  onlyAssign: string[];

  @Field(() => [String], { description: 'IdP groups matching one of these are never assigned (applied after onlyAssign).' })
  neverAssign: string[];

  @Field(() => [String], { description: 'Memberships in groups matching one of these are kept even when the IdP no longer reports them.' })
  neverRemove: string[];

  @Field(() => [String], {
    description: 'When not empty, a user in none of the IdP groups matching these gets the connector’s cleanup action.',
  })
  required: string[];
}

@InputType({ description: 'Pattern lists to replace; a list left out keeps its patterns, an empty list clears it.' })
export class GroupPolicyInput {
  @Field(() => [String], { nullable: true, description: 'Replaces alwaysAssign (group names, not patterns).' })
  alwaysAssign?: string[];

  @Field(() => [String], { nullable: true, description: 'Replaces onlyAssign.' })
  onlyAssign?: string[];

  @Field(() => [String], { nullable: true, description: 'Replaces neverAssign.' })
  neverAssign?: string[];

  @Field(() => [String], { nullable: true, description: 'Replaces neverRemove.' })
  neverRemove?: string[];

  @Field(() => [String], { nullable: true, description: 'Replaces required.' })
  required?: string[];
}

@ObjectType('PolicyProblem', { description: 'Why one pattern (or one list) of a group policy cannot be saved.' })
export class PolicyProblemType {
  @Field({ description: 'The list: alwaysAssign, onlyAssign, neverAssign, neverRemove or required.' })
  list: string;

  @Field({ description: 'The pattern (a group name, for alwaysAssign); empty when the problem is the whole list’s.' })
  pattern: string;

  @Field({ description: 'What is wrong, in words: a pattern that does not parse, a construct RE2 does not run, a length past the limit.' })
  reason: string;
}
