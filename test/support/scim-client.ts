import { graphql, TEST_ADMIN_TOKEN } from './server';

export interface ScimReply {
  status: number;
  headers: Headers;
  json: any;
  text: string;
}

/** A connector made over GraphQL, as an admin would, with its SCIM base URL and token. */
export async function createConnector(url: string, name = 'Entra'): Promise<{ id: string; baseUrl: string; token: string }> {
  const answer = await graphql(url, TEST_ADMIN_TOKEN, 'mutation ($name: String!) { createConnector(input: { name: $name }) { connector { id scimBaseUrl } token } }', {
    name,
  });
  const { connector, token } = answer.data.createConnector;
  return { id: connector.id, baseUrl: connector.scimBaseUrl, token };
}

/**
 * Sends one SCIM request as Entra would: a JSON body goes as application/scim+json; a string body
 * goes as it is (to send malformed JSON); `token` null sends no Authorization header.
 */
export async function scim(
  baseUrl: string,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ScimReply> {
  const sent: Record<string, string> = {};
  if (token !== null) sent.authorization = `Bearer ${token}`;
  if (body !== undefined) sent['content-type'] = 'application/scim+json';
  Object.assign(sent, headers);
  const response = await fetch(encodeURI(`${baseUrl}${path}`), {
    method,
    headers: sent,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}
