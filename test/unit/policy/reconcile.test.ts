import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CleanupAction } from '../../../src/db/entities/connector.entity';
import { DirectorySide, IdpSide, Membership, reconcile } from '../../../src/policy/reconcile';
import { compiledPolicy, PolicyLists } from '../../support/policy';


const idp = (groups: string[], extra: Partial<IdpSide> = {}): IdpSide => ({ active: true, groups, dropped: false, ...extra });
const member = (group: string, managedBy: Membership['managedBy'] = 'IDP'): Membership => ({ group, managedBy });
const directory = (memberships: Membership[], extra: Partial<DirectorySide> = {}): DirectorySide => ({
  active: true,
  disabledReason: null,
  memberships,
  ...extra,
});
const groupsOf = (memberships: Membership[]) => memberships.map((membership) => membership.group).sort();

describe('reconcile: always assign', () => {
  const table: Array<[string, DirectorySide | null, string[], string[]]> = [
    ['a new user', null, ['sales'], ['everyone', 'sales']],
    ['a user removed from it by hand', directory([member('sales')]), ['sales'], ['everyone', 'sales']],
    ['a user already in it', directory([member('everyone', 'POLICY'), member('sales')]), ['sales'], ['everyone', 'sales']],
    ['a user the IdP reports in it too, in other letter case', directory([]), ['EVERYONE'], ['EVERYONE']],
  ];
  for (const [who, current, idpGroups, expected] of table) {
    it(`when ${who} syncs, then they end up in the always-assign group`, () => {
      const result = reconcile(idp(idpGroups), current, compiledPolicy({ alwaysAssign: ['everyone'] }), 'DISABLE');
      assert.deepEqual(groupsOf(result.memberships), expected);
    });
  }

  it('when a user was removed from it by hand, then the sync adds it back, managed by the policy', () => {
    const result = reconcile(idp([]), directory([]), compiledPolicy({ alwaysAssign: ['everyone'] }), 'DISABLE');
    assert.deepEqual(result.added, [member('everyone', 'POLICY')]);
  });
});

describe('reconcile: only assign, then never assign', () => {
  const table: Array<[PolicyLists, string[], string[]]> = [
    [{}, ['jira-users', 'sales'], ['jira-users', 'sales']],
    [{ onlyAssign: ['jira-.*'] }, ['jira-users', 'JIRA-admins', 'sales'], ['JIRA-admins', 'jira-users']],
    [{ neverAssign: ['sales'] }, ['jira-users', 'Sales'], ['jira-users']],
    [{ onlyAssign: ['jira-.*'], neverAssign: ['jira-admins'] }, ['jira-users', 'jira-admins', 'sales'], ['jira-users']],
    [{ onlyAssign: ['jira-.*', 'confluence-.*'] }, ['confluence-users', 'sales'], ['confluence-users']],
    [{ neverAssign: ['.*'] }, ['jira-users', 'sales'], []],
  ];
  for (const [lists, idpGroups, expected] of table) {
    it(`when the policy is ${JSON.stringify(lists)} and the IdP reports ${JSON.stringify(idpGroups)}, then the user gets ${JSON.stringify(expected)}`, () => {
      const result = reconcile(idp(idpGroups), null, compiledPolicy(lists), 'DISABLE');
      assert.deepEqual(groupsOf(result.memberships), expected);
      assert.equal(result.user, 'CREATE');
    });
  }
});

describe('reconcile: SCIM is the source of truth, unless never remove', () => {
  const table: Array<[string, PolicyLists, Membership[], string[], string[], string[]]> = [
    ['an IdP membership the IdP no longer reports', {}, [member('sales')], [], [], ['sales']],
    ['a local membership of a synced user', {}, [member('wiki-editors', 'LOCAL')], [], [], ['wiki-editors']],
    ['a copied membership', {}, [member('old-team', 'COPIED')], [], [], ['old-team']],
    ['a copied membership whose group matches never remove', { neverRemove: ['old-.*'] }, [member('old-team', 'COPIED')], [], ['old-team'], []],
    ['a copied membership the IdP reports too', {}, [member('old-team', 'COPIED')], ['old-team'], ['old-team'], []],
    ['a membership whose group matches never remove', { neverRemove: ['wiki-.*'] }, [member('wiki-editors', 'LOCAL')], [], ['wiki-editors'], []],
    ['a membership the IdP still reports', {}, [member('sales')], ['sales'], ['sales'], []],
    ['a membership the IdP reports but never assign now filters', { neverAssign: ['sales'] }, [member('sales')], ['sales'], [], ['sales']],
  ];
  for (const [what, lists, existing, idpGroups, kept, removed] of table) {
    it(`when the user has ${what}, then it is ${removed.length ? 'removed' : 'kept'}`, () => {
      const result = reconcile(idp(idpGroups), directory(existing), compiledPolicy(lists), 'DISABLE');
      assert.deepEqual(groupsOf(result.memberships), kept);
      assert.deepEqual(groupsOf(result.removed), removed);
    });
  }

  it('when never remove and never assign are both .*, then group memberships stay fully local', () => {
    const existing = [member('local-a', 'LOCAL'), member('local-b', 'LOCAL')];
    const result = reconcile(idp(['idp-group']), directory(existing), compiledPolicy({ neverRemove: ['.*'], neverAssign: ['.*'] }), 'DISABLE');
    assert.deepEqual(result.memberships, existing);
    assert.deepEqual(result.added, []);
    assert.deepEqual(result.removed, []);
  });
});

describe('reconcile: cleanup', () => {
  const causes: Array<[string, IdpSide | null, PolicyLists, string]> = [
    ['deleted in the IdP', null, {}, 'DELETED_IN_IDP'],
    ['in none of the required groups', idp(['sales']), { required: ['staff-.*'] }, 'NOT_IN_REQUIRED_GROUP'],
    ['dropped by a mapping', idp(['staff-all'], { dropped: true }), {}, 'DROPPED_BY_MAPPING'],
  ];
  const actions: Array<[CleanupAction, Partial<ReturnType<typeof reconcile>>]> = [
    ['DISABLE', { user: 'KEEP', active: false, disabledReason: 'CLEANUP' }],
    ['DELETE', { user: 'DELETE' }],
    ['KEEP', { user: 'KEEP', active: true, disabledReason: null }],
  ];
  for (const [cause, side, lists, reason] of causes) {
    for (const [action, expected] of actions) {
      it(`when a user is ${cause} and the action is ${action}, then ${JSON.stringify(expected)}`, () => {
        const current = directory([member('sales'), member('wiki', 'LOCAL')]);
        const result = reconcile(side, current, compiledPolicy(lists), action);
        assert.equal(result.cleanup, reason);
        for (const [field, value] of Object.entries(expected)) assert.deepEqual(result[field as keyof typeof result], value, field);
        if (action === 'DELETE') assert.deepEqual(groupsOf(result.removed), ['sales', 'wiki']);
        else assert.deepEqual(result.memberships, current.memberships, 'memberships stay for when the user comes back');
      });
    }
  }

  it('when a required group matches, then no cleanup applies', () => {
    const result = reconcile(idp(['staff-emea', 'sales']), null, compiledPolicy({ required: ['staff-.*'] }), 'DELETE');
    assert.equal(result.cleanup, null);
    assert.equal(result.user, 'CREATE');
  });

  it('when the required group is one never assign filters, then it still counts: required looks at what the IdP reports', () => {
    const result = reconcile(idp(['staff-emea']), null, compiledPolicy({ required: ['staff-.*'], neverAssign: ['staff-.*'] }), 'DELETE');
    assert.equal(result.cleanup, null);
    assert.deepEqual(result.memberships, []);
  });

  it('when a new user would be cleaned up at once, then it is not created', () => {
    const result = reconcile(idp(['sales']), null, compiledPolicy({ required: ['staff'] }), 'DISABLE');
    assert.equal(result.user, 'NONE');
  });

  const reenable: Array<[string, DirectorySide['disabledReason'], boolean]> = [
    ['disabled by cleanup', 'CLEANUP', true],
    ['disabled because the IdP said inactive', 'IDP', true],
    ['disabled by an admin', 'ADMIN', false],
  ];
  for (const [who, disabledReason, enabled] of reenable) {
    it(`when a user ${who} is back in a required group, then it is ${enabled ? 'enabled again' : 'left disabled'}`, () => {
      const result = reconcile(idp(['staff']), directory([], { active: false, disabledReason }), compiledPolicy({ required: ['staff'] }), 'DISABLE');
      assert.equal(result.active, enabled);
      assert.equal(result.disabledReason, enabled ? null : 'ADMIN');
    });
  }

  it('when an admin-disabled user meets a cleanup, then the admin’s reason is kept', () => {
    const result = reconcile(null, directory([], { active: false, disabledReason: 'ADMIN' }), compiledPolicy(), 'DISABLE');
    assert.equal(result.disabledReason, 'ADMIN');
  });
});

describe('reconcile: IdP active flag', () => {
  it('when the IdP says active=false, then the user is disabled, with the IdP as the reason', () => {
    const result = reconcile(idp(['sales'], { active: false }), directory([member('sales')]), compiledPolicy(), 'DISABLE');
    assert.deepEqual([result.active, result.disabledReason], [false, 'IDP']);
    assert.deepEqual(groupsOf(result.memberships), ['sales']);
  });

  it('when the IdP says active=false for a new user, then it is created disabled', () => {
    const result = reconcile(idp([], { active: false }), null, compiledPolicy(), 'DISABLE');
    assert.deepEqual([result.user, result.active, result.disabledReason], ['CREATE', false, 'IDP']);
  });
});

describe('reconcile: who keeps a membership', () => {
  const table: Array<[string, Membership, PolicyLists, string[], Membership[]]> = [
    ['a copied membership the IdP now reports', member('jira-users', 'COPIED'), {}, ['jira-users'], [member('jira-users', 'IDP')]],
    ['a local membership an always-assign group names', member('everyone', 'LOCAL'), { alwaysAssign: ['everyone'] }, [], [member('everyone', 'POLICY')]],
    ['an IdP membership always assign also names', member('everyone', 'IDP'), { alwaysAssign: ['everyone'] }, ['everyone'], []],
    ['a policy membership the IdP now reports', member('everyone', 'POLICY'), { alwaysAssign: ['everyone'] }, ['everyone'], []],
    ['a copied membership kept by never remove only', member('wiki', 'COPIED'), { neverRemove: ['wiki'] }, [], []],
  ];
  for (const [what, membership, lists, idpGroups, retagged] of table) {
    it(`when ${what} syncs, then ${retagged.length ? `it is the ${retagged[0].managedBy}’s from now on` : 'it keeps its source'}`, () => {
      const result = reconcile(idp(idpGroups), directory([membership]), compiledPolicy(lists), 'DISABLE');
      assert.deepEqual(result.retagged, retagged);
      assert.deepEqual([result.added, result.removed], [[], []]);
    });
  }
});
