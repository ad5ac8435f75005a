// The browser tests' harness: a Thorbecke server of their own (temporary data dir, staff accounts made with the
// CLI, the demo registrations), Debian's Chromium through playwright-core, and pages that record what the console
// reports (CSP violations, script errors). Not a test file itself (node --test only runs *.test.mjs here).
//
// Environment:
//   THORBECKE_BIN        the server binary (default build/asan/src/app/thorbecke, then build/release/...)
//   THORBECKE_CHROMIUM   the browser (default /usr/bin/chromium)
//   THORBECKE_TEST_KEEP  keep the temporary data dir (its path is printed)
// Generous timeouts throughout: under ASan the server is several times slower, and nothing here measures time.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const AXE_PATH = path.join(REPO_ROOT, 'node_modules/axe-core/axe.min.js');
export const ORGANISATION = 'Gemeente Amsterdam';
// One action (a click, a key, a navigation) may take this long before Playwright gives up.
export const ACTION_TIMEOUT_MS = 90_000;
// A whole test (node:test `timeout`): the ctest entry's 900 s bound is the outer one.
export const TEST_TIMEOUT_MS = 800_000;

// The staff accounts each test server gets, made with `thorbecke accounts add` (password on stdin). Distinct
// from the demo's `redacteur`/`goedkeurder`, so the tests show that the CLI's accounts work.
export const ACCOUNTS = {
  redacteur: {
    username: 'rita.redacteur',
    name: 'Rita Redacteur',
    password: 'Redacteur-wachtwoord-123',
    roles: ['redacteur'],
  },
  goedkeurder: {
    username: 'gerrit.goedkeurder',
    name: 'Gerrit Goedkeurder',
    password: 'Goedkeurder-wachtwoord-456',
    roles: ['goedkeurder'],
  },
};

export function thorbeckeBin() {
  const env = process.env.THORBECKE_BIN;
  if (env) {
    const p = path.isAbsolute(env) ? env : path.join(REPO_ROOT, env);
    return fs.existsSync(p) ? p : null;
  }
  for (const rel of ['build/asan/src/app/thorbecke', 'build/release/src/app/thorbecke']) {
    const p = path.join(REPO_ROOT, rel);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

export function chromiumPath() {
  const p = process.env.THORBECKE_CHROMIUM || '/usr/bin/chromium';
  return fs.existsSync(p) ? p : null;
}

// Why the browser tests cannot run here (the test is then skipped: node:test's `skip` option), or false. Not
// null: node:test counts a test with `skip: null` as skipped even when it runs and fails.
export function missingPrerequisite() {
  if (!thorbeckeBin()) return 'thorbecke binary not built (set THORBECKE_BIN or build build/asan)';
  if (!chromiumPath()) return 'Chromium not found at /usr/bin/chromium (scripts/install-deps.sh test)';
  if (!fs.existsSync(AXE_PATH)) return 'node_modules/axe-core missing (npm ci)';
  return false;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Lines of a sanitizer report in the server's output: a test fails on them even if every page looked right.
const SANITIZER = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|ThreadSanitizer|SUMMARY: UndefinedBehaviorSanitizer/;

export class Server {
  constructor(binary, workdir) {
    this.binary = binary;
    this.workdir = workdir;
    this.dataDir = path.join(workdir, 'data');
    this.logPath = path.join(workdir, 'server.log');
    fs.mkdirSync(this.dataDir, { recursive: true });
    this.proc = null;
    this.port = null;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  url(p) {
    return this.baseUrl + p;
  }

  // Runs `thorbecke ARGS... --data-dir DIR` with INPUT on stdin; throws with its output on failure.
  cli(args, input = '') {
    const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0' };
    const res = spawnSync(this.binary, [...args, '--data-dir', this.dataDir], {
      input,
      encoding: 'utf8',
      timeout: 180_000,
      env,
    });
    if (res.status !== 0) {
      throw new Error(`thorbecke ${args.join(' ')} failed (${res.status ?? res.signal}):\n${res.stdout}\n${res.stderr}`);
    }
    return res.stdout;
  }

  addAccount(account, organisation = ORGANISATION) {
    const args = ['accounts', 'add', account.username, '--name', account.name, '--organisation', organisation];
    for (const role of account.roles) args.push('--role', role);
    // The password goes on stdin, never on the command line; a newline ends it.
    return this.cli(args, `${account.password}\n`);
  }

  // A staff API token for ACCOUNT (printed once by the CLI: the last non-empty line).
  token(account) {
    const out = this.cli(['accounts', 'token', account.username, '--label', 'browser-tests']);
    const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
    return lines[lines.length - 1];
  }

  async start({ demo = true } = {}) {
    this.port = await freePort();
    const args = ['serve', '--host', '127.0.0.1', '--port', String(this.port), '--data-dir', this.dataDir];
    if (demo) args.push('--demo');
    const log = fs.openSync(this.logPath, 'a');
    const env = { ...process.env, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0' };
    this.proc = spawn(this.binary, args, { stdio: ['ignore', log, log], env, cwd: this.workdir });
    fs.closeSync(log);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const deadline = Date.now() + 120_000;
    let last = null;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        throw new Error(`thorbecke serve exited before it was ready:\n${this.logTail()}`);
      }
      try {
        const r = await fetch(this.url('/healthz'), { signal: AbortSignal.timeout(2000) });
        if (r.status === 200) return this;
        last = r.status;
      } catch (e) {
        last = e.message;
      }
      await sleep(150);
    }
    await this.stop();
    throw new Error(`thorbecke serve not ready after 120 s (last: ${last}):\n${this.logTail()}`);
  }

  // Stops the server (SIGTERM, then SIGKILL after 30 s); returns the sanitizer lines of its log (empty: clean).
  async stop() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const done = await Promise.race([this.exited, sleep(30_000).then(() => null)]);
      if (!done) {
        this.proc.kill('SIGKILL');
        await this.exited;
      }
    }
    this.proc = null;
    return this.sanitizerReport();
  }

  log() {
    try {
      return fs.readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }

  logTail(lines = 80) {
    return this.log().split('\n').slice(-lines).join('\n');
  }

  sanitizerReport() {
    const log = this.log();
    if (!SANITIZER.test(log)) return '';
    const at = log.search(SANITIZER);
    return log.slice(Math.max(0, at - 200), at + 6000);
  }

  cleanup() {
    if (process.env.THORBECKE_TEST_KEEP) {
      console.log(`# kept ${this.workdir}`);
      return;
    }
    fs.rmSync(this.workdir, { recursive: true, force: true });
  }
}

// A started server with the demo data and ACCOUNTS (plus EXTRA accounts: [{account, organisation}]).
export async function startServer({ demo = true, extra = [] } = {}) {
  const binary = thorbeckeBin();
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'thorbecke-browser-'));
  const server = new Server(binary, workdir);
  try {
    for (const account of Object.values(ACCOUNTS)) server.addAccount(account);
    for (const { account, organisation } of extra) server.addAccount(account, organisation);
    await server.start({ demo });
  } catch (e) {
    await server.stop();
    server.cleanup();
    throw e;
  }
  return server;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: ACTION_TIMEOUT_MS,
  });
}

// A new context and page. The page records console errors and page errors in page.problems: a Content Security
// Policy violation (an inline style or script the CSP blocks) shows there, and the tests assert it stays empty.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'nl-NL', ...options });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
  const page = await context.newPage();
  page.problems = [];
  // Chromium logs an error status of a page itself (a 404 page, a 400 form answer) as a failed load: the tests
  // check those statuses themselves. A failed stylesheet or other resource is a problem.
  const documents = new Set();
  page.on('request', (req) => {
    if (req.isNavigationRequest()) documents.add(req.url());
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    if (/^Failed to load resource/.test(msg.text()) && documents.has(msg.location().url)) return;
    // The browser asks for /favicon.ico by itself; the pages link none.
    if (/^Failed to load resource/.test(msg.text()) && new URL(msg.location().url || 'about:blank').pathname === '/favicon.ico') return;
    page.problems.push(`${page.url()}: console: ${msg.text()} (${msg.location().url})`);
  });
  page.on('pageerror', (err) => page.problems.push(`${page.url()}: script error: ${err.message}`));
  return page;
}

// Fails (throws) when the server's log has a sanitizer report: call after stopping it.
export function assertCleanServer(report) {
  if (report) throw new Error(`the server's log has a sanitizer report:\n${report}`);
}
