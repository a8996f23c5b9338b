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
import { URL } from 'node:url';

const headerEnd = Buffer.from('\r\n\r\n');

/**
 * One keep-alive connection with one request at a time. Responses are read into one reused buffer
 * (net's onread) and never assembled: the body is only scanned for the counted pattern as it
 * arrives, so a 600 KB GetItem response costs the client little more than the bytes' copy out of
 * the kernel. Responses must carry Content-Length (both servers send it).
 */
class Connection {
  constructor(host, port, pattern) {
    this.pattern = pattern;
    this.socket = net.connect({ host, port, noDelay: true, onread: { buffer: Buffer.allocUnsafe(256 * 1024), callback: (n, buffer) => this.onRead(buffer.subarray(0, n)) } });
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.fail(new Error('the server closed the connection')));
    this.pending = null;
    this.reset();
  }

  reset() {
    /** Header bytes so far (a copy; headers are small), until the blank line. */
    this.head = null;
    this.status = 0;
    /** Body bytes still to come, once the header is read. */
    this.remaining = -1;
    this.units = 0;
    /** The last pattern.length - 1 body bytes, for matches across reads. */
    this.carry = null;
    this.errorText = '';
  }

  /** Sends a prebuilt request; resolves with { status, units, errorText }. */
  request(bytes) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.socket.write(bytes);
    });
  }

  onRead(chunk) {
    if (this.remaining < 0) {
      const buffered = this.head ? Buffer.concat([this.head, chunk]) : chunk;
      const end = buffered.indexOf(headerEnd);
      if (end < 0) {
        this.head = Buffer.from(buffered);
        return;
      }
      const text = buffered.toString('latin1', 0, end);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
      if (!length) return this.fail(new Error(`response without Content-Length: ${text.slice(0, 200)}`));
      this.status = Number(text.slice(9, 12));
      this.remaining = Number(length[1]);
      chunk = buffered.subarray(end + headerEnd.length);
    }
    if (chunk.length > this.remaining) return this.fail(new Error('more bytes than one response (the client never pipelines)'));
    this.remaining -= chunk.length;
    if (this.status !== 200 && this.errorText.length < 300) this.errorText += chunk.toString('utf8', 0, 300);
    if (this.pattern) this.scan(chunk);
    if (this.remaining > 0) return;
    const pending = this.pending;
    const result = { status: this.status, units: this.pattern ? this.units : 1, errorText: this.errorText };
    this.pending = null;
    this.reset();
    pending?.resolve(result);
  }

  scan(chunk) {
    const { pattern } = this;
    if (this.carry) {
      // Matches that start in the previous read and end in this one.
      const seam = Buffer.concat([this.carry, chunk.subarray(0, pattern.length - 1)]);
      for (let at = seam.indexOf(pattern); at >= 0; at = seam.indexOf(pattern, at + 1)) this.units++;
    }
    for (let at = chunk.indexOf(pattern); at >= 0; at = chunk.indexOf(pattern, at + pattern.length)) this.units++;
    const tail = chunk.length >= pattern.length - 1 || !this.carry ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = Buffer.from(tail.subarray(Math.max(0, tail.length - (pattern.length - 1))));
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

/**
 * spec: { clients, url, bodies (POST bodies, or none for GET), authorization, countPattern ('' counts
 * one unit per response), expectPerResponse (units every response must hold; 0 for any), warmMs, phaseMs }. Returns { units, requests, seconds, clientCpuUs }; calls
 * onMeasuring when the warm-up ends.
 */
export async function runLoad(spec, onMeasuring = () => {}) {
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
      const response = await connection.request(requests[next++ % requests.length]);
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${response.errorText}`);
      if (spec.expectPerResponse && response.units !== spec.expectPerResponse) throw new Error(`a response held ${response.units} units, not ${spec.expectPerResponse}`);
      if (measuring) {
        units += response.units;
        done++;
      }
    }
  };
  const connections = Array.from({ length: spec.clients }, () => new Connection(host, port, pattern));
  try {
    const warmEnd = performance.now() + spec.warmMs;
    await Promise.all(connections.map((c) => loop(c, () => warmEnd)));
    measuring = true;
    onMeasuring();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const end = start + spec.phaseMs;
    await Promise.all(connections.map((c) => loop(c, () => end)));
    const used = process.cpuUsage(cpu);
    return { units, requests: done, seconds: (performance.now() - start) / 1000, clientCpuUs: used.user + used.system };
  } finally {
    for (const c of connections) c.close();
  }
}

// As a child process: one spec in, one result out, then exit.
if (process.send) {
  process.once('message', (spec) => {
    runLoad(spec, () => process.send({ measuring: true })).then(
      (result) => process.send({ result }, () => process.exit(0)),
      (error) => process.send({ error: String(error?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
