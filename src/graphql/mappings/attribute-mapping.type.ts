import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import type { MappingDefinition } from '../../policy/mapping';
import type { MappingTarget, NoMatchAction } from '../../db/entities/attribute-mapping.entity';

export enum AttributeTarget {
  USER_NAME = 'USER_NAME',
  DISPLAY_NAME = 'DISPLAY_NAME',
  EMAIL = 'EMAIL',
  FIRST_NAME = 'FIRST_NAME',
  LAST_NAME = 'LAST_NAME',
  PROPERTY = 'PROPERTY',
  GROUP_NAMES = 'GROUP_NAMES',
}
registerEnumType(AttributeTarget, {
  name: 'AttributeTarget',
  description: 'The directory attribute a mapping fills; GROUP_NAMES adds groups as if the IdP reported them.',
});

export enum NoMatch {
  KEEP = 'KEEP',
  CLEAR = 'CLEAR',
  DROP_USER = 'DROP_USER',
}
registerEnumType(NoMatch, {
  name: 'NoMatchAction',
  description: 'What happens when a mapping yields nothing: keep the directory’s value, clear it, or drop the user (cleanup).',
});

@ObjectType('Transformation', { description: 'One step of a mapping.' })
export class TransformationType {
  @Field({
    description: 'lowercase, uppercase, trim, regexReplace {pattern, replacement}, split {separator, index?}, join {separator}, substring {start, length?}, default {value | source}, stripDomain, map {table, default?}.',
  })
  fn: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The function’s arguments.' })
  args?: Record<string, unknown>;
}

@ObjectType('AttributeMapping', { description: 'How one directory attribute is derived from what the IdP sent.' })
export class AttributeMappingType {
  @Field(() => AttributeTarget, { description: 'The attribute filled.' })
  target: MappingTarget;

  @Field(() => String, { nullable: true, description: 'The property name, for target PROPERTY.' })
  property: string | null;

  @Field({ description: 'A template over SCIM paths, e.g. `{name.givenName} {name.familyName}` or `{emails[type eq "work"].value}`.' })
  source: string;

  @Field(() => [TransformationType], { description: 'Applied in order.' })
  transformations: TransformationType[];

  @Field(() => NoMatch, { description: 'What happens when nothing comes out.' })
  onNoMatch: NoMatchAction;
}

@InputType({ description: 'One step of a mapping.' })
export class TransformationInput {
  @Field({ description: 'The function (see Transformation.fn).' })
  fn: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The function’s arguments.' })
  args?: Record<string, unknown>;
}

@InputType({ description: 'A mapping to save.' })
export class AttributeMappingInput {
  @Field(() => AttributeTarget, { description: 'The attribute filled.' })
  target: MappingTarget;

  @Field(() => String, { nullable: true, description: 'The property name, for target PROPERTY.' })
  property?: string | null;

  @Field({ description: 'A template over SCIM paths.' })
  source: string;

  @Field(() => [TransformationInput], { nullable: true, description: 'Applied in order; none when left out.' })
  transformations?: TransformationInput[];

  @Field(() => NoMatch, { nullable: true, description: 'What happens when nothing comes out (default KEEP).' })
  onNoMatch?: NoMatchAction;
}

/** The definitions an editor sent, as the domain takes them. */
export function definitionsOf(mappings: AttributeMappingInput[]): MappingDefinition[] {
  return mappings.map((mapping) => ({
    target: mapping.target,
    property: mapping.property ?? null,
    source: mapping.source,
    transformations: (mapping.transformations ?? []).map((step) => ({ fn: step.fn, ...(step.args ? { args: step.args } : {}) })),
    onNoMatch: mapping.onNoMatch ?? 'KEEP',
  }));
}

@ObjectType('MappingTrial', {
  description: 'What mappings make of one user’s IdP resource, nothing saved. A target the mappings leave as it is (no mapping, or KEEP when nothing came out) is listed in kept and null here.',
})
export class MappingTrialType {
  @Field(() => String, { nullable: true, description: 'The userName the mappings give.' })
  userName: string | null;

  @Field(() => String, { nullable: true, description: 'The display name.' })
  displayName: string | null;

  @Field(() => String, { nullable: true, description: 'The email.' })
  email: string | null;

  @Field(() => String, { nullable: true, description: 'The first name.' })
  firstName: string | null;

  @Field(() => String, { nullable: true, description: 'The last name.' })
  lastName: string | null;

  @Field(() => GraphQLJSONObject, { description: 'Custom properties by name; null removes one.' })
  properties: Record<string, string | null>;

  @Field(() => [String], { description: 'Group names the mappings add to those the IdP reports.' })
  groupNames: string[];

  @Field({ description: 'Whether a mapping drops the user (the cleanup action would apply).' })
  dropped: boolean;

  @Field(() => [String], { description: 'The targets left as the directory has them: userName, displayName, email, firstName, lastName.' })
  kept: string[];

  @Field(() => GraphQLJSONObject, { description: 'The resource the mappings read: what the IdP last wrote for the user.' })
  idpResource: Record<string, unknown>;
}
