import { useEffect, useState } from 'preact/hooks';
import { ApiError, gql } from '../api';
import { ErrorMessage, Loading, useMutation, useQuery } from '../ui';

interface Step {
  fn: string;
  /** The arguments as the admin types them: JSON text. */
  args: string;
}

interface Mapping {
  target: string;
  property: string;
  source: string;
  transformations: Step[];
  onNoMatch: string;
}

interface SavedMapping {
  target: string;
  property: string | null;
  source: string;
  transformations: Array<{ fn: string; args: Record<string, unknown> | null }>;
  onNoMatch: string;
}

interface Trial {
  userName: string | null;
  displayName: string | null;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  properties: Record<string, string | null>;
  groupNames: string[];
  dropped: boolean;
  kept: string[];
  idpResource: unknown;
}

const TARGETS: Array<[string, string]> = [
  ['USER_NAME', 'userName'],
  ['DISPLAY_NAME', 'Display name'],
  ['EMAIL', 'Email'],
  ['FIRST_NAME', 'First name'],
  ['LAST_NAME', 'Last name'],
  ['PROPERTY', 'A custom property'],
  ['GROUP_NAMES', 'Group names'],
];
const NO_MATCH: Array<[string, string]> = [
  ['KEEP', 'keep what the directory has'],
  ['CLEAR', 'clear it'],
  ['DROP_USER', 'drop the user (cleanup applies)'],
];
/** The transformations and the arguments each takes, as a hint. */
const FUNCTIONS: Array<[string, string]> = [
  ['lowercase', ''],
  ['uppercase', ''],
  ['trim', ''],
  ['stripDomain', ''],
  ['regexReplace', '{"pattern": "^(.*)@.*$", "replacement": "$1"}'],
  ['split', '{"separator": " ", "index": 0}'],
  ['join', '{"separator": ", "}'],
  ['substring', '{"start": 0, "length": 8}'],
  ['default', '{"value": "unknown"}'],
  ['map', '{"table": {"retail": "R-100"}, "default": "other"}'],
];

const READ = `query ($id: ID!) { connector(id: $id) { id name attributeMappings { target property source transformations { fn args } onNoMatch } } }`;
const SAVE = `mutation ($id: ID!, $mappings: [AttributeMappingInput!]!) { setAttributeMappings(connectorId: $id, mappings: $mappings) { id } }`;
const FIND_USER = `query ($id: ID!, $search: String) { users(connectorId: $id, search: $search, first: 1) { edges { node { id userName } } } }`;
const TRY = `query ($mappings: [AttributeMappingInput!]!, $user: ID!) {
  tryAttributeMappings(mappings: $mappings, userId: $user) { userName displayName email firstName lastName properties groupNames dropped kept idpResource }
}`;

function editable(saved: SavedMapping): Mapping {
  return {
    target: saved.target,
    property: saved.property ?? '',
    source: saved.source,
    transformations: saved.transformations.map((step) => ({ fn: step.fn, args: step.args ? JSON.stringify(step.args) : '' })),
    onNoMatch: saved.onNoMatch,
  };
}

/** The mappings as the API takes them, or the first argument that is not JSON. */
function inputOf(mappings: Mapping[]): { input: unknown[] } | { problem: string } {
  const input: unknown[] = [];
  for (const [index, mapping] of mappings.entries()) {
    const steps: unknown[] = [];
    for (const step of mapping.transformations) {
      let args: unknown = null;
      if (step.args.trim() !== '') {
        try {
          args = JSON.parse(step.args);
        } catch {
          return { problem: `Mapping ${index + 1}: the arguments of ${step.fn} are not JSON.` };
        }
      }
      steps.push({ fn: step.fn, args });
    }
    input.push({ target: mapping.target, property: mapping.target === 'PROPERTY' ? mapping.property : null, source: mapping.source, transformations: steps, onNoMatch: mapping.onNoMatch });
  }
  return { input };
}

/** The attribute mappings editor, with a try-it box that applies the mappings to one user. */
export function MappingsPage({ id, canEdit }: { id: string; canEdit: boolean }) {
  const { data, error } = useQuery<{ connector: { id: string; name: string; attributeMappings: SavedMapping[] } | null }>(READ, { id });
  const [mappings, setMappings] = useState<Mapping[] | null>(null);
  const [saved, setSaved] = useState(false);
  const save = useMutation<unknown>(SAVE);
  useEffect(() => {
    if (data?.connector && mappings === null) setMappings(data.connector.attributeMappings.map(editable));
  }, [data]);
  if (error) return <main><ErrorMessage error={error} /></main>;
  if (!data || !mappings) return <main><Loading what="the mappings" /></main>;
  if (!data.connector) return <main><h1>No such connector</h1></main>;
  const built = inputOf(mappings);
  const update = (index: number, change: Partial<Mapping>) => {
    setSaved(false);
    setMappings(mappings.map((mapping, at) => (at === index ? { ...mapping, ...change } : mapping)));
  };
  const move = (index: number, by: number) => {
    const next = [...mappings];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    setMappings(next);
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    if ('input' in built && (await save.run({ id, mappings: built.input }))) setSaved(true);
  };
  return (
    <main>
      <p class="breadcrumb">
        <a href="#/">Connectors</a> / <a href={`#/connectors/${id}`}>{data.connector.name}</a> /
      </p>
      <h1>Attribute mappings</h1>
      <p class="hint">
        Sources are templates over SCIM paths, such as <code>{'{name.givenName} {name.familyName}'}</code> or <code>{'{emails[type eq "work"].value}'}</code>. With no mapping, the
        defaults apply: userName, displayName, the work or primary email, given and family name.
      </p>
      <form onSubmit={submit}>
        <fieldset disabled={!canEdit} class="plain">
          <legend class="visually-hidden">Mappings</legend>
          {mappings.map((mapping, index) => (
            <fieldset key={index} class="mapping">
              <legend>Mapping {index + 1}</legend>
              <div class="row">
                <div>
                  <label for={`target-${index}`}>Target</label>
                  <select id={`target-${index}`} value={mapping.target} onChange={(event) => update(index, { target: event.currentTarget.value })}>
                    {TARGETS.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
                {mapping.target === 'PROPERTY' ? (
                  <div>
                    <label for={`property-${index}`}>Property name</label>
                    <input id={`property-${index}`} value={mapping.property} onInput={(event) => update(index, { property: event.currentTarget.value })} />
                  </div>
                ) : null}
                <div class="grow">
                  <label for={`source-${index}`}>Source</label>
                  <input id={`source-${index}`} value={mapping.source} onInput={(event) => update(index, { source: event.currentTarget.value })} />
                </div>
                <div>
                  <label for={`nomatch-${index}`}>When nothing comes out</label>
                  <select id={`nomatch-${index}`} value={mapping.onNoMatch} onChange={(event) => update(index, { onNoMatch: event.currentTarget.value })}>
                    {NO_MATCH.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <ol class="steps" aria-label={`Transformations of mapping ${index + 1}`}>
                {mapping.transformations.map((step, at) => (
                  <li key={at}>
                    <label for={`fn-${index}-${at}`} class="visually-hidden">
                      Transformation {at + 1}
                    </label>
                    <select
                      id={`fn-${index}-${at}`}
                      value={step.fn}
                      onChange={(event) =>
                        update(index, {
                          transformations: mapping.transformations.map((other, position) =>
                            position === at ? { fn: event.currentTarget.value, args: FUNCTIONS.find(([fn]) => fn === event.currentTarget.value)?.[1] ?? '' } : other,
                          ),
                        })
                      }
                    >
                      {FUNCTIONS.map(([fn]) => (
                        <option key={fn} value={fn}>
                          {fn}
                        </option>
                      ))}
                    </select>
                    <label for={`args-${index}-${at}`} class="visually-hidden">
                      Arguments of transformation {at + 1} (JSON)
                    </label>
                    <input
                      id={`args-${index}-${at}`}
                      class="args"
                      placeholder="no arguments"
                      value={step.args}
                      onInput={(event) => update(index, { transformations: mapping.transformations.map((other, position) => (position === at ? { ...other, args: event.currentTarget.value } : other)) })}
                    />
                    <button type="button" class="secondary" onClick={() => update(index, { transformations: mapping.transformations.filter((_, position) => position !== at) })}>
                      Remove step {at + 1}
                    </button>
                  </li>
                ))}
              </ol>
              <div class="actions">
                <button type="button" class="secondary" onClick={() => update(index, { transformations: [...mapping.transformations, { fn: 'trim', args: '' }] })}>
                  Add a transformation
                </button>
                <button type="button" class="secondary" disabled={index === 0} onClick={() => move(index, -1)}>
                  Move up
                </button>
                <button type="button" class="secondary" disabled={index === mappings.length - 1} onClick={() => move(index, 1)}>
                  Move down
                </button>
                <button type="button" class="secondary" onClick={() => setMappings(mappings.filter((_, at) => at !== index))}>
                  Remove mapping {index + 1}
                </button>
              </div>
            </fieldset>
          ))}
          {canEdit ? (
            <div class="actions">
              <button type="button" class="secondary" onClick={() => setMappings([...mappings, { target: 'DISPLAY_NAME', property: '', source: '{displayName}', transformations: [], onNoMatch: 'KEEP' }])}>
                Add a mapping
              </button>
              <button type="submit" disabled={save.pending || 'problem' in built}>
                Save mappings
              </button>
            </div>
          ) : null}
        </fieldset>
        {'problem' in built ? (
          <p class="error" role="alert">
            {built.problem}
          </p>
        ) : null}
        <ErrorMessage error={save.error} />
        {saved ? (
          <p class="notice" role="status">
            Saved. A full sync has started, so that every user is mapped anew: see <a href={`#/connectors/${id}/runs`}>the sync runs</a>.
          </p>
        ) : null}
      </form>
      <TryIt connectorId={id} input={'input' in built ? built.input : null} />
    </main>
  );
}

const OUTCOME_LABELS: Array<[keyof Trial, string]> = [
  ['userName', 'userName'],
  ['displayName', 'Display name'],
  ['email', 'Email'],
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
];

function TryIt({ connectorId, input }: { connectorId: string; input: unknown[] | null }) {
  const [userName, setUserName] = useState('');
  const [trial, setTrial] = useState<{ userName: string; result: Trial } | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    if (!input) return;
    setProblem(null);
    try {
      const { users } = await gql<{ users: { edges: Array<{ node: { id: string; userName: string } }> } }>(FIND_USER, { id: connectorId, search: userName.trim() });
      const user = users.edges[0]?.node;
      if (!user) throw new ApiError(`No user of this connector has a userName starting with “${userName.trim()}”.`, 'NOT_FOUND');
      const { tryAttributeMappings } = await gql<{ tryAttributeMappings: Trial }>(TRY, { mappings: input, user: user.id });
      setTrial({ userName: user.userName, result: tryAttributeMappings });
    } catch (failure) {
      setTrial(null);
      setProblem(failure instanceof ApiError ? failure : new ApiError(String(failure), null));
    }
  };
  return (
    <section aria-labelledby="try-it">
      <h2 id="try-it">Try it</h2>
      <form class="inline" onSubmit={submit} role="search" aria-label="Try the mappings on a user">
        <label for="try-user">A user of this connector (userName or its start)</label>
        <input id="try-user" value={userName} onInput={(event) => setUserName(event.currentTarget.value)} />
        <button type="submit" disabled={!input || userName.trim() === ''}>
          Apply the mappings
        </button>
      </form>
      <ErrorMessage error={problem} />
      {trial ? (
        <div class="trial" role="region" aria-label={`The mappings applied to ${trial.userName}`}>
          <div class="table-scroll">
            <table>
              <caption>
                What the mappings above (saved or not) make of {trial.userName}
                {trial.result.dropped ? ': the user is dropped' : ''}
              </caption>
              <tbody>
                {OUTCOME_LABELS.map(([key, label]) => (
                  <tr key={key}>
                    <th scope="row">{label}</th>
                    <td>{trial.result.kept.includes(key) ? <span class="muted">kept as the directory has it</span> : (trial.result[key] as string | null) ?? <span class="muted">cleared</span>}</td>
                  </tr>
                ))}
                {Object.entries(trial.result.properties).map(([name, value]) => (
                  <tr key={name}>
                    <th scope="row">Property {name}</th>
                    <td>{value ?? <span class="muted">removed</span>}</td>
                  </tr>
                ))}
                {trial.result.groupNames.length > 0 ? (
                  <tr>
                    <th scope="row">Groups added</th>
                    <td>{trial.result.groupNames.join(', ')}</td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <details>
            <summary>What the identity provider sent</summary>
            <pre class="json">{JSON.stringify(trial.result.idpResource, null, 2)}</pre>
          </details>
        </div>
      ) : null}
    </section>
  );
}
