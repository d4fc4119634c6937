/** The `scimType` values of RFC 7644 §3.12, and the HTTP status each goes with. */
const SCIM_TYPE_STATUS = {
  invalidFilter: 400,
  tooMany: 400,
  uniqueness: 409,
  mutability: 400,
  invalidSyntax: 400,
  invalidPath: 400,
  noTarget: 400,
  invalidValue: 400,
  invalidVers: 400,
  sensitive: 400,
} as const;

export type ScimType = keyof typeof SCIM_TYPE_STATUS;

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** An error answered in SCIM's own form. A scimType is only accepted with its own status. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
    if (scimType !== undefined && SCIM_TYPE_STATUS[scimType] !== status) {
      throw new Error(`scimType ${scimType} goes with status ${SCIM_TYPE_STATUS[scimType]}, not ${status}`);
    }
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(SCIM_TYPE_STATUS[scimType], scimType, detail);
  }

  toJSON(): Record<string, unknown> {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.message,
    };
  }
}
