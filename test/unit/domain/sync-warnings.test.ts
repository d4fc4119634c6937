import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CleanupAction } from '../../../src/db/entities/connector.entity';
import { warningAfterAdd, warningAfterRemove } from '../../../src/domain/directory/sync-warnings';
import { IdpSide, Membership, reconcile } from '../../../src/policy/reconcile';
import { compiledPolicy, PolicyLists } from '../../support/policy';

interface Case {
  name: string;
  /** The groups the IdP reports; null: the IdP deleted the user. */
  idpGroups: string[] | null;
  /** The user's memberships after the admin's change. */
  memberships: Membership[];
  policy?: PolicyLists;
  cleanupAction?: CleanupAction;
  warning: RegExp | null;
}


function nextSync(test: Case) {
  const idp: IdpSide | null = test.idpGroups && { active: true, groups: test.idpGroups, dropped: false };
  return reconcile(idp, { active: true, disabledReason: null, memberships: test.memberships }, compiledPolicy(test.policy), test.cleanupAction ?? 'DISABLE');
}

const local = (group: string): Membership => ({ group, managedBy: 'LOCAL' });

describe('the warning after an admin adds a synced user to a group', () => {
  const table: Case[] = [
    { name: 'a group the IdP does not report', idpGroups: ['staff'], memberships: [local('wiki')], warning: /will remove this membership/ },
    { name: 'a group a never-remove pattern matches', idpGroups: ['staff'], memberships: [local('Wiki')], policy: { neverRemove: ['wiki.*'] }, warning: null },
    { name: 'a group the IdP reports, in another case', idpGroups: ['WIKI'], memberships: [local('wiki')], warning: null },
    { name: 'a group the IdP reports but never assign filters', idpGroups: ['wiki'], memberships: [local('wiki')], policy: { neverAssign: ['wiki'] }, warning: /will remove/ },
    { name: 'a group the IdP reports outside only assign', idpGroups: ['wiki'], memberships: [local('wiki')], policy: { onlyAssign: ['jira-.*'] }, warning: /will remove/ },
    { name: 'a group always assign names', idpGroups: [], memberships: [local('everyone')], policy: { alwaysAssign: ['everyone'] }, warning: null },
    { name: 'a user cleanup disables (memberships kept)', idpGroups: null, memberships: [local('wiki')], warning: null },
    { name: 'a user cleanup deletes', idpGroups: null, memberships: [local('wiki')], cleanupAction: 'DELETE', warning: /deletes this user/ },
  ];
  for (const test of table) {
    it(`when it is ${test.name}, then ${test.warning ? 'it warns' : 'there is no warning'}`, () => {
      const warning = warningAfterAdd(nextSync(test), 'wiki', 'Entra');
      if (test.warning) assert.match(warning ?? '', test.warning);
      else assert.equal(warning, null);
    });
  }
});

describe('the warning after an admin removes a synced user from a group', () => {
  const table: Case[] = [
    { name: 'a group the IdP reports', idpGroups: ['wiki'], memberships: [], warning: /add this membership back: the identity provider reports "wiki"/ },
    { name: 'a group the IdP reports but never assign filters', idpGroups: ['wiki'], memberships: [], policy: { neverAssign: ['.*'] }, warning: null },
    { name: 'a group always assign names', idpGroups: [], memberships: [], policy: { alwaysAssign: ['Wiki'] }, warning: /add this membership back: always assign names "wiki"/ },
    { name: 'a group nothing keeps', idpGroups: ['staff'], memberships: [], warning: null },
    { name: 'a user cleanup applies to', idpGroups: ['wiki'], memberships: [], policy: { required: ['staff'] }, warning: null },
  ];
  for (const test of table) {
    it(`when it is ${test.name}, then ${test.warning ? 'it warns' : 'there is no warning'}`, () => {
      const warning = warningAfterRemove(nextSync(test), 'wiki', 'Entra');
      if (test.warning) assert.match(warning ?? '', test.warning);
      else assert.equal(warning, null);
    });
  }
});
