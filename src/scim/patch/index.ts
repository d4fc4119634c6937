/** The SCIM PATCH engine (RFC 7644 §3.5.2 and what Entra ID sends): pure functions over JSON resources. */
export { applyPatch } from './apply';
export { memberChange, namedMemberIds, splitGroupOperations } from './members';
export { readPatchRequest, type PatchOp, type PatchOperation } from './request';
