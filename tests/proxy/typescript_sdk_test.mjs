// The official Mistral TypeScript SDK (npm @mistralai/mistralai) with its serverURL at `keyward proxy`, whose
// upstream is a local stand-in for the API that records what it receives (issue 19). Run by typescript_sdk.sh,
// which installs the SDK first. Usage: node typescript_sdk_test.mjs KEYWARD_BINARY SDK_DIR
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { pathToFileURL } from "node:url";

const [keyward, sdkDir] = process.argv.slice(2);
const WAIT_MS = 20000; // the bound of every wait: a hang fails, it does not stall the suite
const MODEL = "mistral-small-latest";

// 32 characters of [A-Za-z0-9] from a fixed seed: made up here, never a real key.
function fakeKey(seed) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let state = seed * 2654435761 + 1;
  let key = "";
  while (key.length < 32) {
    state = (state * 1103515245 + 12345) % 2147483648;
    key += alphabet[state % 62];
  }
  return key;
}

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The stand-in: records every request; answers a chat completion, or streams server-sent events, each sent only
// once the test has let it go (so events must come through the proxy one by one, as they are sent).
class StandIn {
  constructor() {
    this.received = [];
    this.events = ["Bonjour", ", ", "le ", "monde", "."];
    this.gates = [];
    this.server = http.createServer((req, res) => this.handle(req, res));
  }
  async start() {
    await new Promise((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${this.server.address().port}`;
  }
  gate(i) {
    this.gates[i] ??= Promise.withResolvers ? Promise.withResolvers() : deferred();
    return this.gates[i];
  }
  async handle(req, res) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    this.received.push({ method: req.method, url: req.url, headers: req.headers, body });
    const request = JSON.parse(body.toString() || "{}");
    const base = { id: "cmpl-1", created: 1700000000, model: MODEL };
    if (!request.stream) {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({
        ...base, object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
      }));
      return;
    }
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
    for (const [i, text] of this.events.entries()) {
      await within(this.gate(i).promise, `the test to let event ${i} go`);
      const last = i === this.events.length - 1;
      res.write(`data: ${JSON.stringify({
        ...base, object: "chat.completion.chunk",
        choices: [{ index: 0, delta: { role: "assistant", content: text }, finish_reason: last ? "stop" : null }],
      })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }
  close() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

// `keyward proxy` as a process on a free port, ready once it says where it listens.
async function startProxy(upstream, cwd) {
  const child = spawn(keyward, ["proxy", "--listen", "127.0.0.1:0", "--upstream", upstream], {
    cwd, stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const port = await within(new Promise((resolve, reject) => {
    child.stderr.on("data", (data) => {
      stderr += data;
      const match = stderr.match(/listening on 127\.0\.0\.1:(\d+),/);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`keyward proxy exited ${code}: ${stderr}`)));
  }), "keyward proxy to listen");
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return { child, port, exited, stderr: () => stderr };
}

const { Mistral } = await import(pathToFileURL(createRequire(join(sdkDir, "x.js")).resolve("@mistralai/mistralai")));
const apiKey = fakeKey(1);
const work = mkdtempSync(join(tmpdir(), "keyward-ts-sdk-"));
const upstream = new StandIn();
let proxy;
let mistral;

before(async () => {
  await upstream.start();
  proxy = await startProxy(upstream.url, work);
  mistral = new Mistral({
    apiKey,
    serverURL: `http://127.0.0.1:${proxy.port}`,
    retryConfig: { strategy: "none" },
    timeoutMs: WAIT_MS,
  });
});

after(async () => {
  proxy.child.kill("SIGTERM");
  const { code, signal } = await within(proxy.exited, "keyward proxy to exit");
  await upstream.close();
  rmSync(work, { recursive: true, force: true });
  assert.equal(signal, null, proxy.stderr());
  assert.equal(code, 0, `keyward proxy exited ${code}: ${proxy.stderr()}`);
});

test("a request holding a key fails with a 4xx and is never forwarded", { timeout: WAIT_MS }, async () => {
  const key = fakeKey(2);
  await assert.rejects(
    mistral.chat.complete({ model: MODEL, messages: [{ role: "user", content: `MISTRAL_API_KEY=${key}` }] }),
    (error) => {
      assert.equal(error.statusCode, 403);
      const body = JSON.parse(error.body);
      assert.equal(body.type, "keyward_blocked");
      assert.deepEqual(body.reasons, [{ rule: "mistral-api-key", pointer: "/messages/0/content" }]);
      assert.ok(!error.body.includes(key.slice(0, 8)));
      return true;
    },
  );
  assert.equal(upstream.received.length, 0);
});

test("a clean chat.complete is answered and Authorization arrives", { timeout: WAIT_MS }, async () => {
  const before = upstream.received.length;
  const result = await mistral.chat.complete({
    model: MODEL, messages: [{ role: "user", content: "Say hello, and write to dana.whitfield@northwind-traders.net" }],
  });
  assert.equal(result.choices[0].message.content, "Hello!");
  assert.equal(upstream.received.length, before + 1);
  const received = upstream.received.at(-1);
  assert.equal(received.url, "/v1/chat/completions");
  assert.equal(received.headers.authorization, `Bearer ${apiKey}`);
  assert.equal(Number(received.headers["content-length"]), received.body.length);
  const sent = JSON.parse(received.body);
  assert.equal(sent.model, MODEL);
  assert.deepEqual(sent.messages, [{ role: "user", content: "Say hello, and write to [REDACTED:email]" }]);
});

test("chat.stream streams every event as it is sent", { timeout: WAIT_MS }, async () => {
  upstream.gate(0).resolve();
  const stream = await mistral.chat.stream({ model: MODEL, messages: [{ role: "user", content: "Greet the world" }] });
  const got = [];
  for await (const event of stream) {
    got.push(event.data.choices[0].delta.content);
    // Event i came through before the stand-in was allowed to send event i + 1.
    if (got.length < upstream.events.length) upstream.gate(got.length).resolve();
  }
  assert.deepEqual(got, upstream.events);
  const received = upstream.received.at(-1);
  assert.equal(received.headers.authorization, `Bearer ${apiKey}`);
  assert.equal(JSON.parse(received.body).stream, true);
});
