/**
 * The SCIM filter and path grammar of RFC 7644 §3.4.2.2 and §3.5.2, as a tree. Names keep the
 * letter case they were written in; every comparison of names is case-insensitive.
 */

/** `urn:…:User:userName`, `name.givenName`, `emails`: an optional schema URN, an attribute, a sub-attribute. */
export interface AttributePath {
  /** The schema URN when the path was URN-qualified, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A JSON literal of the grammar: a string, a number, true, false or null. */
export type CompareValue = string | number | boolean | null;

export type Filter =
  | { kind: 'compare'; operator: CompareOperator; path: AttributePath; value: CompareValue }
  | { kind: 'present'; path: AttributePath }
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  /**
   * `emails[type eq "work"]`: true when some element of the multi-valued attribute `path`
   * matches `filter`, whose paths name sub-attributes of that element.
   */
  | { kind: 'valuePath'; path: AttributePath; filter: Filter };

/** A PATCH `path`: `attrPath`, or `valuePath` optionally followed by `.subAttr`. */
export interface PatchPath {
  path: AttributePath;
  /** The `[…]` filter selecting elements of a multi-valued attribute. */
  valueFilter?: Filter;
  /** The sub-attribute after `]`, as in `emails[type eq "work"].value`. */
  subAttribute?: string;
}
