import http from 'node:http';

/**
 * The HTTP server the app answers on, in production and in tests alike. A client may half-close
 * its socket once its request is sent (legal in HTTP/1.1, and some proxies do it): by default
 * Node then aborts the request and ends the socket, so a write already under way commits with
 * no answer. With httpAllowHalfOpen the answer is sent, and the socket closed after it.
 */
export function createHttpServer(handle?: http.RequestListener): http.Server {
  const server = http.createServer(handle);
  // A public property of Node's http.Server (lib/_http_server.js) that @types/node leaves out; the half-close test holds it to its word.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  return server;
}
