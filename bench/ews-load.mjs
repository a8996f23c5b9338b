// Load generator for bench/ews.ts, run as a child process (plain JavaScript, so it needs no
// TypeScript loader): `clients` concurrent keep-alive HTTP/1.1 connections, each sending one request
// at a time (the given bodies in turn, or a GET) for a fixed time, and counting units in each
// response. It speaks HTTP over a bare socket: Node's fetch (undici) costs several times more CPU
// per request than the servers being measured, and on a two-core machine a client that heavy
// measures itself. The same code drives the plain HTTP baseline and EWS, so their ratio is fair.
import net from 'node:net';
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const headerEnd = Buffer.from('\r\n\r\n');

/** One keep-alive connection answering one request at a time; responses must carry Content-Length. */
class Connection {
  constructor(host, port) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
    this.pending = null;
    this.reset();
  }

  reset() {
    this.chunks = [];
    this.received = 0;
    this.head = null;
  }

  /** Sends a prebuilt request; resolves with { status, body }. */
  request(bytes) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  onData(chunk) {
    this.chunks.push(chunk);
    this.received += chunk.length;
    if (!this.head) {
      const buffered = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks);
      const end = buffered.indexOf(headerEnd);
      if (end < 0) return;
      const text = buffered.toString('latin1', 0, end);
      const status = Number(text.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
      if (!length) return this.fail(new Error(`response without Content-Length: ${text.slice(0, 200)}`));
      this.head = { status, bodyStart: end + 4, total: end + 4 + Number(length[1]) };
      this.chunks = [buffered];
    }
    if (this.received < this.head.total) return;
    if (this.received > this.head.total) return this.fail(new Error('more bytes than one response (the client never pipelines)'));
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.received);
    const { status, bodyStart } = this.head;
    const pending = this.pending;
    this.pending = null;
    this.reset();
    pending?.resolve({ status, body: all.subarray(bodyStart) });
  }

  fail(error) {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }

  close() {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }
}

/** Occurrences of `pattern` in `body` (a Buffer search, so counting costs the client little). */
function count(body, pattern) {
  let n = 0;
  for (let at = body.indexOf(pattern); at >= 0; at = body.indexOf(pattern, at + pattern.length)) n++;
  return n;
}

/**
 * spec: { clients, url, bodies (POST bodies, or none for GET), authorization, countPattern ('' counts
 * one unit per response), warmMs, phaseMs }. Returns { units, requests, seconds }.
 */
export async function runLoad(spec) {
  const url = new URL(spec.url);
  const host = url.hostname;
  const port = Number(url.port);
  const requests = spec.bodies.length
    ? spec.bodies.map((body) => {
        const payload = Buffer.from(body);
        const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: text/xml; charset=utf-8\r\nAuthorization: ${spec.authorization}\r\nContent-Length: ${payload.length}\r\n\r\n`;
        return Buffer.concat([Buffer.from(head), payload]);
      })
    : [Buffer.from(`GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`)];
  const pattern = spec.countPattern ? Buffer.from(spec.countPattern) : null;
  let next = 0;
  let measuring = false;
  let units = 0;
  let done = 0;
  const loop = async (connection, until) => {
    while (performance.now() < until()) {
      const { status, body } = await connection.request(requests[next++ % requests.length]);
      if (status !== 200) throw new Error(`HTTP ${status}: ${body.toString('utf8', 0, 300)}`);
      if (measuring) {
        units += pattern ? count(body, pattern) : 1;
        done++;
      }
    }
  };
  const connections = Array.from({ length: spec.clients }, () => new Connection(host, port));
  try {
    const warmEnd = performance.now() + spec.warmMs;
    await Promise.all(connections.map((c) => loop(c, () => warmEnd)));
    measuring = true;
    const start = performance.now();
    const end = start + spec.phaseMs;
    await Promise.all(connections.map((c) => loop(c, () => end)));
    return { units, requests: done, seconds: (performance.now() - start) / 1000 };
  } finally {
    for (const c of connections) c.close();
  }
}

// As a child process: one spec in, one result out, then exit.
if (process.send) {
  process.once('message', (spec) => {
    runLoad(spec).then(
      (result) => process.send({ result }, () => process.exit(0)),
      (error) => process.send({ error: String(error?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
