/**
 * The SCIM schemas this service speaks, as data: RFC 7643 §8.7.1 (core User and Group) and §8.7.2
 * (Enterprise User), plus the common attributes of §3.1. The /Schemas documents, the filter
 * evaluator and the SQL translation all read these, so an attribute's characteristics live here only.
 */
import type { AttributePath } from '../filter/ast';

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/** An attribute as RFC 7643 §7 represents it in a /Schemas document. */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export type ResourceTypeName = 'User' | 'Group';

export const USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA_ID = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA_ID = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Characteristics = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

/**
 * One attribute, with RFC 7643 §7's defaults for what is not given. Every characteristic is spelled
 * out in the result (RFC 7643 §8.7.1 leaves some out on booleans and complex attributes, meaning
 * those same defaults), and always in the same key order, so the emitted JSON is stable.
 */
function attribute(name: string, type: AttributeType, description: string, given: Characteristics = {}): AttributeDefinition {
  const { canonicalValues, referenceTypes, subAttributes, ...rest } = given;
  return {
    name,
    type,
    multiValued: rest.multiValued ?? false,
    description,
    required: rest.required ?? false,
    caseExact: rest.caseExact ?? false,
    mutability: rest.mutability ?? 'readWrite',
    returned: rest.returned ?? 'default',
    uniqueness: rest.uniqueness ?? 'none',
    ...(canonicalValues ? { canonicalValues } : {}),
    ...(referenceTypes ? { referenceTypes } : {}),
    ...(subAttributes ? { subAttributes } : {}),
  };
}

const DISPLAY = 'A human-readable name, primarily used for display purposes. READ-ONLY.';

/** The `value`, `display`, `type`, `primary` shape shared by most multi-valued User attributes. */
function multiValuedAttribute(
  name: string,
  description: string,
  value: { type?: AttributeType; description: string; referenceTypes?: readonly string[] },
  typeLabel: { description: string; canonicalValues?: readonly string[] },
  primaryDescription: string,
): AttributeDefinition {
  return attribute(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attribute('value', value.type ?? 'string', value.description, value.referenceTypes ? { referenceTypes: value.referenceTypes } : {}),
      attribute('display', 'string', DISPLAY),
      attribute('type', 'string', typeLabel.description, typeLabel.canonicalValues ? { canonicalValues: typeLabel.canonicalValues } : {}),
      attribute('primary', 'boolean', primaryDescription),
    ],
  });
}

const primaryOf = (example: string) =>
  `A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., ${example}. The primary attribute value 'true' MUST appear no more than once.`;
const PRIMARY = "A Boolean value indicating the 'primary' or preferred attribute value for this attribute. The primary attribute value 'true' MUST appear no more than once.";

export const USER_SCHEMA: SchemaDefinition = {
  id: USER_SCHEMA_ID,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute(
      'userName',
      'string',
      "Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value. This identifier MUST be unique across the service provider's entire set of Users. REQUIRED.",
      { required: true, uniqueness: 'server' },
    ),
    attribute(
      'name',
      'complex',
      "The components of the user's real name. Providers MAY return just the full name as a single string in the formatted sub-attribute, or they MAY return just the individual component attributes using the other sub-attributes, or they MAY return both. If both variants are returned, they SHOULD be describing the same name, with the formatted name indicating how the component attributes should be combined.",
      {
        subAttributes: [
          attribute('formatted', 'string', "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
          attribute('familyName', 'string', "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."),
          attribute('givenName', 'string', "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."),
          attribute('middleName', 'string', "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
          attribute('honorificPrefix', 'string', "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."),
          attribute('honorificSuffix', 'string', "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')."),
        ],
      },
    ),
    attribute('displayName', 'string', 'The name of the User, suitable for display to end-users. The name SHOULD be the full name of the User being described, if known.'),
    attribute('nickName', 'string', "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'. This attribute SHOULD NOT be used to represent a User's username (e.g., 'bjensen' or 'mpepperidge')."),
    attribute('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", { referenceTypes: ['external'] }),
    attribute('title', 'string', 'The user\'s title, such as "Vice President."'),
    attribute('userType', 'string', "Used to identify the relationship between the organization and the user. Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."),
    attribute('preferredLanguage', 'string', "Indicates the User's preferred written or spoken language. Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."),
    attribute('locale', 'string', "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
    attribute('timezone', 'string', "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
    attribute('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    attribute('password', 'string', "The User's cleartext password. This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedAttribute(
      'emails',
      "Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.",
      { description: "Email addresses for the user. The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'." },
      { description: "A label indicating the attribute's function, e.g., 'work' or 'home'.", canonicalValues: ['work', 'home', 'other'] },
      primaryOf('the preferred mailing address or primary email address'),
    ),
    multiValuedAttribute(
      'phoneNumbers',
      "Phone numbers for the User. The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.",
      { description: 'Phone number of the User.' },
      { description: "A label indicating the attribute's function, e.g., 'work', 'home', 'mobile'.", canonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] },
      primaryOf('the preferred phone number or primary phone number'),
    ),
    multiValuedAttribute(
      'ims',
      'Instant messaging addresses for the User.',
      { description: 'Instant messaging address for the User.' },
      { description: "A label indicating the attribute's function, e.g., 'aim', 'gtalk', 'xmpp'.", canonicalValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'] },
      primaryOf('the preferred messenger or primary messenger'),
    ),
    multiValuedAttribute(
      'photos',
      'URLs of photos of the User.',
      { type: 'reference', description: 'URL of a photo of the User.', referenceTypes: ['external'] },
      { description: "A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.", canonicalValues: ['photo', 'thumbnail'] },
      primaryOf('the preferred photo or thumbnail'),
    ),
    attribute('addresses', 'complex', "A physical mailing address for this User. Canonical type values of 'work', 'home', and 'other'. This attribute is a complex type with the following sub-attributes.", {
      multiValued: true,
      subAttributes: [
        attribute('formatted', 'string', 'The full mailing address, formatted for display or use with a mailing label. This attribute MAY contain newlines.'),
        attribute('streetAddress', 'string', 'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information. This attribute MAY contain newlines.'),
        attribute('locality', 'string', 'The city or locality component.'),
        attribute('region', 'string', 'The state or region component.'),
        attribute('postalCode', 'string', 'The zip code or postal code component.'),
        attribute('country', 'string', 'The country name component.'),
        attribute('type', 'string', "A label indicating the attribute's function, e.g., 'work' or 'home'.", { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'boolean', primaryOf('the preferred mailing address or primary address')),
      ],
    }),
    attribute('groups', 'complex', 'A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        attribute('value', 'string', "The identifier of the User's group.", { mutability: 'readOnly' }),
        attribute('$ref', 'reference', "The URI of the corresponding 'Group' resource to which the user belongs.", { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'string', DISPLAY, { mutability: 'readOnly' }),
        attribute('type', 'string', "A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
    }),
    multiValuedAttribute(
      'entitlements',
      'A list of entitlements for the User that represent a thing the User has.',
      { description: 'The value of an entitlement.' },
      { description: "A label indicating the attribute's function." },
      PRIMARY,
    ),
    multiValuedAttribute(
      'roles',
      "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.",
      { description: 'The value of a role.' },
      { description: "A label indicating the attribute's function." },
      PRIMARY,
    ),
    multiValuedAttribute(
      'x509Certificates',
      'A list of certificates issued to the User.',
      { type: 'binary', description: 'The value of an X.509 certificate.' },
      { description: "A label indicating the attribute's function." },
      PRIMARY,
    ),
  ],
};

export const GROUP_SCHEMA: SchemaDefinition = {
  id: GROUP_SCHEMA_ID,
  name: 'Group',
  description: 'Group',
  attributes: [
    // §8.7.1 says required: false, but §4.2 calls displayName REQUIRED, and every group needs a name here.
    attribute('displayName', 'string', 'A human-readable name for the Group. REQUIRED.', { required: true }),
    attribute('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        attribute('value', 'string', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attribute('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', {
          mutability: 'immutable',
          referenceTypes: ['User', 'Group'],
        }),
        // Missing from §8.7.1, but clients read it back and Entra's own schema lists it.
        attribute('display', 'string', DISPLAY, { mutability: 'readOnly' }),
        attribute('type', 'string', "A label indicating the type of resource, e.g., 'User' or 'Group'.", {
          mutability: 'immutable',
          canonicalValues: ['User', 'Group'],
        }),
      ],
    }),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA_ID,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'string', 'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.'),
    attribute('costCenter', 'string', 'Identifies the name of a cost center.'),
    attribute('organization', 'string', 'Identifies the name of an organization.'),
    attribute('division', 'string', 'Identifies the name of a division.'),
    attribute('department', 'string', 'Identifies the name of a department.'),
    attribute('manager', 'complex', "The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.", {
      subAttributes: [
        attribute('value', 'string', "The id of the SCIM resource representing the User's manager. REQUIRED."),
        attribute('$ref', 'reference', "The URI of the SCIM resource representing the User's manager. REQUIRED.", { referenceTypes: ['User'] }),
        attribute('displayName', 'string', "The displayName of the User's manager. OPTIONAL and READ-ONLY.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};

/**
 * RFC 7643 §3.1: on every resource, at its top level, but part of no schema (so they are not in
 * the /Schemas documents).
 */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attribute('id', 'string', 'A unique identifier for a SCIM resource as defined by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'string', 'A String that is an identifier for the resource as defined by the provisioning client.', { caseExact: true }),
  attribute('meta', 'complex', 'A complex attribute containing resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      attribute('resourceType', 'string', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'dateTime', 'The "DateTime" that the resource was added to the service provider.', { mutability: 'readOnly' }),
      attribute('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated at the service provider.', {
        mutability: 'readOnly',
      }),
      attribute('location', 'reference', 'The URI of the resource being returned.', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attribute('version', 'string', 'The version of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

export const RESOURCE_TYPE_SCHEMAS: Readonly<Record<ResourceTypeName, { core: SchemaDefinition; extensions: readonly SchemaDefinition[] }>> = {
  User: { core: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA] },
  Group: { core: GROUP_SCHEMA, extensions: [] },
};

export interface ResolvedAttribute {
  /** The schema the attribute belongs to; for the common attributes, the resource type's core schema. */
  schema: SchemaDefinition;
  attribute: AttributeDefinition;
  subAttribute?: AttributeDefinition;
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The attribute definition named `name` in a list, ignoring letter case as RFC 7643 §2.1 requires. */
export function findAttribute(attributes: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  return attributes?.find((candidate) => sameName(candidate.name, name));
}

/**
 * What a path names, or null when no schema of the resource type defines it: unknown attributes
 * are stored verbatim, and whether that is acceptable is the caller's decision.
 */
export function resolveAttribute(resourceType: ResourceTypeName, path: AttributePath): ResolvedAttribute | null {
  const { core, extensions } = RESOURCE_TYPE_SCHEMAS[resourceType];
  const candidates: Array<{ schema: SchemaDefinition; attributes: readonly AttributeDefinition[] }> = [];
  if (path.uri === undefined || sameName(path.uri, core.id)) {
    candidates.push({ schema: core, attributes: COMMON_ATTRIBUTES }, { schema: core, attributes: core.attributes });
  }
  for (const extension of extensions) {
    if (path.uri === undefined || sameName(path.uri, extension.id)) candidates.push({ schema: extension, attributes: extension.attributes });
  }
  for (const { schema, attributes } of candidates) {
    const attribute = findAttribute(attributes, path.attribute);
    if (!attribute) continue;
    if (path.subAttribute === undefined) return { schema, attribute };
    const subAttribute = findAttribute(attribute.subAttributes, path.subAttribute);
    return subAttribute ? { schema, attribute, subAttribute } : null;
  }
  return null;
}
