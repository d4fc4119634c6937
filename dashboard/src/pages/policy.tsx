import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql } from '../api';
import { Changes, Progress, RUN_FIELDS, RunSummary, useRun } from '../run-progress';
import { ErrorMessage, Loading, useMutation, useQuery } from '../ui';

type ListName = 'alwaysAssign' | 'onlyAssign' | 'neverAssign' | 'neverRemove' | 'required';
type Policy = Record<ListName, string[]>;
interface Problem {
  list: ListName;
  pattern: string;
  reason: string;
}

const LISTS: Array<[ListName, string, string]> = [
  ['alwaysAssign', 'Always assign', 'Group names every synced user joins, at every sync (a user removed by hand is added again).'],
  ['onlyAssign', 'Only assign', 'Patterns: of the groups the IdP reports, only those matching one are assigned (empty: all).'],
  ['neverAssign', 'Never assign', 'Patterns: groups matching one are never assigned, even when only assign lets them through.'],
  ['neverRemove', 'Never remove', 'Patterns: memberships of matching groups stay when the IdP stops reporting them.'],
  ['required', 'Required', 'Patterns: a user in none of the matching groups gets the cleanup action.'],
];

const READ = `query ($id: ID!) { connector(id: $id) { id name groupPolicy { alwaysAssign onlyAssign neverAssign neverRemove required } } }`;
const CHECK = `query ($input: GroupPolicyInput!) { checkGroupPolicy(input: $input) { list pattern reason } }`;
const PREVIEW = `mutation ($id: ID!, $input: GroupPolicyInput!) { previewGroupPolicy(connectorId: $id, input: $input) { ${RUN_FIELDS} } }`;
const SAVE = `mutation ($id: ID!, $input: GroupPolicyInput!) { updateGroupPolicy(connectorId: $id, input: $input) { id } }`;

const linesOf = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** The group policy editor: five lists, checked as they are typed, previewed before they are saved. */
export function PolicyPage({ id, canEdit }: { id: string; canEdit: boolean }) {
  const { data, error, reload } = useQuery<{ connector: { id: string; name: string; groupPolicy: Policy } | null }>(READ, { id });
  const [texts, setTexts] = useState<Record<ListName, string> | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [checkError, setCheckError] = useState<ApiError | null>(null);
  const [previewed, setPreviewed] = useState<{ input: string; run: RunSummary } | null>(null);
  const [saved, setSaved] = useState(false);
  const { run, error: runError } = useRun(previewed?.run ?? null);
  const preview = useMutation<{ previewGroupPolicy: RunSummary }>(PREVIEW);
  const save = useMutation<unknown>(SAVE);

  useEffect(() => {
    if (data?.connector && texts === null) {
      const policy = data.connector.groupPolicy;
      setTexts(Object.fromEntries(LISTS.map(([list]) => [list, policy[list].join('\n')])) as Record<ListName, string>);
    }
  }, [data]);
  const input = texts ? (Object.fromEntries(LISTS.map(([list]) => [list, linesOf(texts[list])])) as Policy) : null;
  const inputKey = JSON.stringify(input);
  // The live check: a moment after typing stops, the service checks the lists as a save would.
  useEffect(() => {
    if (!input) return undefined;
    const timer = setTimeout(() => {
      gql<{ checkGroupPolicy: Problem[] }>(CHECK, { input }).then(
        (answer) => (setProblems(answer.checkGroupPolicy), setCheckError(null)),
        (failure: unknown) => setCheckError(failure instanceof ApiError ? failure : new ApiError(String(failure), null)),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [inputKey]);

  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data || !texts || !input) return <main><Loading what="the group policy" /></main>;
  if (!data.connector) return <main><h1>No such connector</h1></main>;
  const connector = data.connector;
  const unchanged = LISTS.every(([list]) => JSON.stringify(connector.groupPolicy[list]) === JSON.stringify(input[list]));
  const previewCurrent = previewed !== null && previewed.input === inputKey && run?.status !== 'RUNNING';

  const startPreview = async () => {
    setSaved(false);
    const answer = await preview.run({ id, input });
    if (answer) setPreviewed({ input: inputKey, run: answer.previewGroupPolicy });
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if (await save.run({ id, input })) {
      setSaved(true);
      setPreviewed(null);
      reload();
    }
  };

  return (
    <main>
      <p class="breadcrumb">
        <a href="#/">Connectors</a> / <a href={`#/connectors/${id}`}>{connector.name}</a> /
      </p>
      <h1>Group policy</h1>
      <p class="hint">One pattern per line. Patterns are regular expressions (RE2) that must match the whole group name, regardless of case.</p>
      <form onSubmit={submit}>
        {LISTS.map(([list, label, help]) => {
          const own = problems.filter((problem) => problem.list === list);
          return (
            <div class="list-editor" key={list}>
              <label for={`list-${list}`}>{label}</label>
              <p class="hint" id={`help-${list}`}>
                {help}
              </p>
              <textarea
                id={`list-${list}`}
                rows={3}
                readOnly={!canEdit}
                aria-describedby={`help-${list} problems-${list}`}
                aria-invalid={own.length > 0}
                value={texts[list]}
                onInput={(event) => setTexts({ ...texts, [list]: event.currentTarget.value })}
              />
              <ul id={`problems-${list}`} class="problems" aria-live="polite">
                {own.map((problem) => (
                  <li key={problem.pattern}>
                    {problem.pattern ? <code>{problem.pattern}</code> : null} {problem.reason}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
        {canEdit ? (
          <div class="actions">
            <button type="button" onClick={startPreview} disabled={problems.length > 0 || unchanged || preview.pending || run?.status === 'RUNNING'}>
              Preview changes
            </button>
            <button type="submit" disabled={!previewCurrent || problems.length > 0 || save.pending}>
              Save policy
            </button>
            <span class="hint">{unchanged ? 'Nothing changed yet.' : previewCurrent ? 'Previewed: save to apply.' : 'Preview the change before saving it.'}</span>
          </div>
        ) : null}
      </form>
      <ErrorMessage error={checkError ?? preview.error ?? save.error ?? runError} />
      {run && previewed?.input === inputKey ? (
        <section aria-label="Preview">
          <h2>Preview</h2>
          {run.status === 'RUNNING' ? <Progress run={run} /> : <Changes run={run} caption={`What saving would change (preview ${run.status.toLowerCase()})`} />}
        </section>
      ) : null}
      {saved ? (
        <p class="notice" role="status">
          Saved. A full sync has started: see <a href={`#/connectors/${id}/runs`}>the sync runs</a>.
        </p>
      ) : null}
    </main>
  );
}
