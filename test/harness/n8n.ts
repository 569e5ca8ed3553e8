/**
 * Runs a real n8n for end-to-end tests and benchmarks: 2.41.1 on Node 24 by default, or the
 * version in E2E_N8N_VERSION (e.g. 1.123.81, on the Node running the tests), SQLite.
 *
 * - `ensureN8n()` installs n8n once into a cache outside the clone (scripts/ensure-n8n.sh).
 * - `startN8n()` starts it on free loopback ports with its own temp user folder, waits until it is
 *   really up (migrations done, active workflows re-activated), creates the owner and an API key.
 * - A package tarball (`packPackage()`) is installed into `<userFolder>/.n8n/nodes/node_modules` the
 *   way n8n 2.41.1's own community-package installer does it, so its nodes are typed
 *   `<package>.<node>` exactly as for a user who installed it from Settings > Community nodes.
 *
 * Every n8n runs in its own process group and is stopped by pid; whatever is still running when
 * the test process exits is SIGKILLed and its temp folder removed (set N8N_HARNESS_KEEP=1 to keep
 * the folders for debugging). The process handling is test/harness/processes.ts.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';
import {
	groupProcess,
	installExitHooks,
	logBuffer,
	makeTempDir,
	run,
	runOrThrow,
	sleep,
} from './processes';

export interface N8nInstance {
	/** http://127.0.0.1:<port> */
	url: string;
	port: number;
	/** N8N_USER_FOLDER (a temp dir); n8n keeps its data in `<userFolder>/.n8n`. */
	userFolder: string;
	/** For the X-N8N-API-KEY header. */
	apiKey: string;
	/** Public API. `path` is relative to /api/v1 (a path starting with /api/ is used as is). Throws on non-2xx. */
	api<T = any>(method: string, path: string, body?: unknown): Promise<T>;
	/**
	 * Internal REST API with the owner's session cookie. `path` is relative to /rest (a path starting
	 * with /rest/ is used as is). Returns the parsed body as sent, i.e. usually `{ data: ... }`.
	 * `timeoutMs` (default 60 s) is for slow calls such as community-package installs.
	 */
	rest<T = any>(method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T>;
	createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<{ id: string }>;
	createWorkflow(workflow: {
		name: string;
		nodes: unknown[];
		connections: unknown;
		settings?: unknown;
	}): Promise<{ id: string }>;
	activate(workflowId: string): Promise<void>;
	deactivate(workflowId: string): Promise<void>;
	/** All executions of a workflow with their data, oldest first. */
	executions(workflowId: string): Promise<any[]>;
	/** Polls until at least `count` finished executions exist; returns the finished ones, oldest first. */
	waitForExecutions(workflowId: string, count: number, timeoutMs: number): Promise<any[]>;
	/** The process's captured stdout+stderr so far (the last few MB), across restarts. */
	logs(): string;
	/** SIGTERM to the process group, SIGKILL after 15 s. Keeps the user folder. Idempotent. */
	stop(): Promise<void>;
	/** SIGKILL to the process group (fault tests). Keeps the user folder. */
	kill(): Promise<void>;
	/**
	 * Starts again with the same user folder, ports and env (data kept) and logs in again;
	 * `envChanges` (undefined removes a variable) apply from this start on.
	 */
	start(envChanges?: Record<string, string | undefined>): Promise<void>;
}

export interface StartN8nOptions {
	/** An `npm pack` tarball of a community package to install before the first start. */
	packageTarball?: string;
	/** Extra env for n8n (e.g. WEBHOOK_GATEWAY_* or queue-mode settings); overrides the defaults. */
	env?: Record<string, string>;
	/** N8N_PORT; a free loopback port by default. */
	port?: number;
	/**
	 * n8n license features to switch on at each start, e.g. 'feat:communityNodes:customRegistry'.
	 * Runs n8n in its own end-to-end test mode (E2E_TESTS=true), whose `PATCH /rest/e2e/feature`
	 * stubs the license: every feature not listed stays off, as in an unlicensed n8n.
	 */
	licenseFeatures?: string[];
}

/** The n8n release the tests run against: E2E_N8N_VERSION, 2.41.1 by default. */
export const N8N_VERSION = process.env.E2E_N8N_VERSION || '2.41.1';
/** n8n's major version (1 or 2): 1.x differs in its Node, expression engine and REST API. */
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
export const OWNER = {
	email: 'owner@harness.test',
	firstName: 'Harness',
	lastName: 'Owner',
	password: 'Harness-Pass-1',
};

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** How long n8n may take to start; E2E_N8N_STARTUP_TIMEOUT_MS raises it on a loaded machine. */
const STARTUP_TIMEOUT_MS = Number(process.env.E2E_N8N_STARTUP_TIMEOUT_MS) || 180_000;
const STOP_GRACE_MS = 15_000;
/** Logged by `n8n start` after the server, the task broker and the active workflows are up. */
const READY_LINE = 'Editor is now accessible via';

// ---------------------------------------------------------------------------------------------
// Install / pack

let ensured: Promise<string> | undefined;

/** Installs Node 24 + n8n into the cache when missing (minutes, once); returns the cache dir. */
export async function ensureN8n(): Promise<string> {
	ensured ??= (async () => {
		const script = path.join(REPO_ROOT, 'scripts', 'ensure-n8n.sh');
		const result = await run('bash', [script], {
			env: { ...process.env, N8N_VERSION },
			streamStderr: true,
		});
		const lines = result.stdout.trim().split('\n');
		const dir = lines[lines.length - 1]?.trim() ?? '';
		if (
			result.code !== 0 ||
			!dir ||
			!fs.existsSync(path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'))
		) {
			throw new Error(
				`scripts/ensure-n8n.sh failed (exit ${result.code}); stdout:\n${result.stdout}`,
			);
		}
		return dir;
	})();
	ensured.catch(() => (ensured = undefined));
	return await ensured;
}

/** `npm pack` of an already built package; returns the tarball's path (in a temp dir). */
export async function packPackage(repoRoot: string): Promise<string> {
	const destination = makeTempDir('wgw-pack-');
	const stdout = await runOrThrow('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: repoRoot,
	});
	let filename: string | undefined;
	try {
		filename = (JSON.parse(stdout) as { filename: string }[])[0]?.filename;
	} catch {
		filename = fs.readdirSync(destination).find((f) => f.endsWith('.tgz'));
	}
	if (!filename) throw new Error(`npm pack printed no file name:\n${stdout}`);
	const tarball = path.join(destination, path.basename(filename));
	if (!fs.existsSync(tarball)) throw new Error(`npm pack did not write ${tarball}`);
	return tarball;
}

/**
 * Installs a package tarball the way n8n 2.41.1 installs a community package
 * (CommunityPackagesService.downloadPackage): unpack into `<nodes>/node_modules/<name>`, drop its
 * dev/peer/optional dependencies from package.json (so `n8n-workflow` resolves to n8n's own copy),
 * `npm install --ignore-scripts ...` inside the package folder, record it in `<nodes>/package.json`.
 */
async function installPackageTarball(userFolder: string, tarball: string): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const modulesDir = path.join(nodesDir, 'node_modules');
	fs.mkdirSync(modulesDir, { recursive: true });
	const ledgerPath = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(ledgerPath)) {
		fs.writeFileSync(
			ledgerPath,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
		);
	}
	const staging = fs.mkdtempSync(path.join(nodesDir, '.staging-'));
	await runOrThrow('tar', ['-xzf', path.resolve(tarball), '-C', staging, '--strip-components=1']);
	const packageJsonPath = path.join(staging, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(
		fs.readFileSync(packageJsonPath, 'utf8'),
	) as Record<string, unknown> & { name: string; version: string };
	void devDependencies;
	void peerDependencies;
	void optionalDependencies;
	fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2));
	const target = path.join(modulesDir, packageJson.name);
	fs.mkdirSync(path.dirname(target), { recursive: true });
	fs.rmSync(target, { recursive: true, force: true });
	fs.renameSync(staging, target);
	await runOrThrow(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
			'--loglevel=error',
		],
		{ cwd: target },
	);
	const ledger = JSON.parse(fs.readFileSync(ledgerPath, 'utf8')) as {
		dependencies: Record<string, string>;
	};
	ledger.dependencies[packageJson.name] = packageJson.version;
	fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));
	return target;
}

// ---------------------------------------------------------------------------------------------
// Workflows

/** n8n's own Webhook node (POST, respond immediately) followed by a NoOp node. */
export function webhookWorkflow(webhookPath: string): {
	name: string;
	nodes: unknown[];
	connections: unknown;
	settings: Record<string, unknown>;
} {
	return {
		name: `webhook ${webhookPath}`,
		nodes: [
			{
				id: randomUUID(),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					path: webhookPath,
					httpMethod: 'POST',
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: randomUUID(),
				name: 'NoOp',
				type: 'n8n-nodes-base.noOp',
				typeVersion: 1,
				position: [220, 0],
				parameters: {},
			},
		],
		connections: { Webhook: { main: [[{ node: 'NoOp', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function isFinished(execution: any): boolean {
	return (
		execution?.finished === true ||
		['success', 'error', 'crashed', 'canceled'].includes(execution?.status)
	);
}

function byIdAscending(a: any, b: any): number {
	const x = Number(a.id);
	const y = Number(b.id);
	if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
	return String(a.startedAt ?? a.createdAt).localeCompare(String(b.startedAt ?? b.createdAt));
}

// ---------------------------------------------------------------------------------------------
// Start

/**
 * The Node that runs n8n: the cache's Node 24 for n8n 2.x (scripts/ensure-n8n.sh), the Node running
 * the tests for n8n 1.x (>= 20.19).
 */
function nodeBinDir(cacheDir: string): string {
	const node24 = path.join(cacheDir, 'node24', 'node_modules', 'node', 'bin');
	return N8N_MAJOR >= 2 ? node24 : path.dirname(process.execPath);
}

/**
 * n8n 1.x's default `vm` expression engine needs isolated-vm, a native module the community-style
 * install (--ignore-scripts) does not build; its `legacy` engine needs nothing native.
 */
const VERSION_ENV: Record<string, string> =
	N8N_MAJOR >= 2 ? {} : { N8N_EXPRESSION_ENGINE: 'legacy' };

/**
 * The environment an n8n admin sets so that n8n's process serves the endpoints itself on
 * 127.0.0.1:`port` (the first active trigger opens it, the last one closes it).
 */
export function n8nServeEnv(port: number): Record<string, string> {
	return {
		WEBHOOK_GATEWAY_N8N_SERVE: 'true',
		WEBHOOK_GATEWAY_N8N_HOST: '127.0.0.1',
		WEBHOOK_GATEWAY_N8N_PORT: String(port),
	};
}

/**
 * The hermetic env of an n8n process (`n8n start` or `n8n worker`): nothing n8n-related from the
 * caller's environment leaks in; n8n's Node first on PATH; `extra` on top.
 */
export function hermeticN8nEnv(
	cacheDir: string,
	userFolder: string,
	extra: Record<string, string>,
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (
			/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_GATEWAY_N8N_|NODE_OPTIONS$|NODE_PATH$|WEBHOOK_URL$|GENERIC_TIMEZONE$)/.test(
				key,
			)
		)
			continue;
		env[key] = value;
	}
	const nodeBin = nodeBinDir(cacheDir);
	return {
		...env,
		// n8n starts its JS task runner with `node` from PATH: it must be n8n's Node too.
		PATH: `${nodeBin}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		...VERSION_ENV,
		...extra,
	};
}

/** n8n's Node binary and n8n's bin script in the cache (ensureN8n). */
export function n8nBinaries(cacheDir: string): { node: string; n8n: string } {
	return {
		node: path.join(nodeBinDir(cacheDir), 'node'),
		n8n: path.join(cacheDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
}

export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const cacheDir = await ensureN8n();
	installExitHooks();
	const binaries = n8nBinaries(cacheDir);
	const userFolder = makeTempDir('wgw-n8n-');
	if (options.packageTarball) await installPackageTarball(userFolder, options.packageTarball);

	const port = options.port ?? (await freePort());
	let brokerPort = await freePort();
	while (brokerPort === port) brokerPort = await freePort();
	if (port === 5679 || brokerPort === 5679)
		throw new Error('port 5679 is n8n’s default task broker port; pick another');
	const url = `http://127.0.0.1:${port}`;
	const env = hermeticN8nEnv(cacheDir, userFolder, {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PUBLIC_API_DISABLED: 'false',
		...(options.licenseFeatures?.length ? { E2E_TESTS: 'true' } : {}),
		...options.env,
	});

	// Process output, across restarts.
	const log = logBuffer();
	const proc = groupProcess({
		name: 'n8n',
		description: `n8n on ${url} (user folder ${userFolder})`,
		command: binaries.node,
		args: [binaries.n8n, 'start'],
		cwd: userFolder,
		env,
		log,
		readyLine: READY_LINE,
		readinessUrl: `${url}/healthz/readiness`,
		startupTimeoutMs: STARTUP_TIMEOUT_MS,
		stopGraceMs: STOP_GRACE_MS,
	});

	let cookie = '';
	let apiKey = '';
	let ownerCreated = false;

	async function request(
		kind: 'api' | 'rest',
		method: string,
		requestPath: string,
		body?: unknown,
		timeoutMs = 60_000,
	): Promise<any> {
		const prefix = kind === 'api' ? '/api/v1' : '/rest';
		const fullPath =
			requestPath.startsWith(`${prefix}/`) || requestPath.startsWith('/api/')
				? requestPath
				: `${prefix}${requestPath.startsWith('/') ? '' : '/'}${requestPath}`;
		const headers: Record<string, string> = { accept: 'application/json' };
		if (kind === 'api') headers['x-n8n-api-key'] = apiKey;
		else if (cookie) headers.cookie = cookie;
		if (body !== undefined) headers['content-type'] = 'application/json';
		const response = await fetch(url + fullPath, {
			method: method.toUpperCase(),
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		if (!response.ok) {
			throw new Error(
				`n8n ${method.toUpperCase()} ${fullPath} -> ${response.status}: ${text.slice(0, 2000)}`,
			);
		}
		if (kind === 'rest') {
			const setCookies = response.headers.getSetCookie?.() ?? [];
			const auth = setCookies.find((c) => c.startsWith('n8n-auth='));
			if (auth) cookie = auth.split(';')[0]!;
		}
		if (!text) return undefined;
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}

	/** n8n 1.x can answer /healthz before /rest/* is mounted: wait for GET /rest/settings. */
	async function restMounted(): Promise<void> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const response = await fetch(`${url}/rest/settings`, {
				signal: AbortSignal.timeout(10_000),
			}).catch(() => undefined);
			await response?.text();
			if (response?.ok) return;
			if (Date.now() > deadline)
				throw new Error(
					`n8n at ${url}: GET /rest/settings did not answer 200 within 60 s:\n${log.tail()}`,
				);
			await sleep(250);
		}
	}

	async function login(): Promise<void> {
		await restMounted();
		if (!ownerCreated) {
			await request('rest', 'POST', '/owner/setup', OWNER);
			ownerCreated = true;
			// Releases before API key scopes (older 1.x) answer 404 here and take keys without scopes.
			const scopes = await request('rest', 'GET', '/api-keys/scopes').then(
				(answer: { data: string[] }) => answer.data,
				(error: unknown) => {
					if (/ -> 404:/.test(String(error))) return undefined;
					throw error;
				},
			);
			const created = (await request('rest', 'POST', '/api-keys', {
				label: 'harness',
				scopes,
				expiresAt: null,
			})) as {
				data: { rawApiKey: string };
			};
			apiKey = created.data.rawApiKey;
			instance.apiKey = apiKey;
		} else {
			await request('rest', 'POST', '/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
		}
		if (!cookie) throw new Error('n8n set no n8n-auth cookie');
	}

	/** n8n's test-mode license stub forgets its features on restart: set them after each start. */
	async function enableLicenseFeatures(): Promise<void> {
		for (const feature of options.licenseFeatures ?? []) {
			const response = await fetch(`${url}/rest/e2e/feature`, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ feature, enabled: true }),
				signal: AbortSignal.timeout(10_000),
			});
			const text = await response.text();
			if (!response.ok)
				throw new Error(
					`n8n PATCH /rest/e2e/feature ${feature} -> ${response.status}: ${text.slice(0, 500)}`,
				);
		}
	}

	async function start(envChanges?: Record<string, string | undefined>): Promise<void> {
		// The process helper reads this same object at every spawn.
		for (const [key, value] of Object.entries(envChanges ?? {})) {
			if (value === undefined) delete env[key];
			else env[key] = value;
		}
		await proc.start();
		try {
			await login();
			await enableLicenseFeatures();
		} catch (error) {
			await kill();
			throw error;
		}
	}

	async function stop(): Promise<void> {
		await proc.stop();
		cookie = '';
	}

	async function kill(): Promise<void> {
		await proc.kill();
		cookie = '';
	}

	async function executions(workflowId: string): Promise<any[]> {
		const all: any[] = [];
		let cursor: string | undefined;
		for (;;) {
			const query = new URLSearchParams({ workflowId, includeData: 'true', limit: '250' });
			if (cursor) query.set('cursor', cursor);
			const page = (await request('api', 'GET', `/executions?${query.toString()}`)) as {
				data: any[];
				nextCursor?: string | null;
			};
			all.push(...page.data);
			if (!page.nextCursor || page.data.length === 0) break;
			cursor = page.nextCursor;
		}
		return all.sort(byIdAscending);
	}

	const instance: N8nInstance = {
		url,
		port,
		userFolder,
		apiKey,
		api: (method, requestPath, body) => request('api', method, requestPath, body),
		rest: (method, requestPath, body, timeoutMs) =>
			request('rest', method, requestPath, body, timeoutMs),
		async createCredential(name, type, data) {
			if (N8N_MAJOR < 2) {
				// n8n 1.x's public API checks credential data against a schema that requires the fields
				// of every option of an options field; the editor's REST endpoint does not.
				const created = await request('rest', 'POST', '/credentials', { name, type, data });
				return { id: String(created.data.id) };
			}
			const created = await request('api', 'POST', '/credentials', { name, type, data });
			return { id: String(created.id) };
		},
		async createWorkflow(workflow) {
			const created = await request('api', 'POST', '/workflows', {
				name: workflow.name,
				nodes: workflow.nodes,
				connections: workflow.connections,
				settings: workflow.settings ?? { executionOrder: 'v1' },
			});
			return { id: String(created.id) };
		},
		async activate(workflowId) {
			await request('api', 'POST', `/workflows/${encodeURIComponent(workflowId)}/activate`);
		},
		async deactivate(workflowId) {
			await request('api', 'POST', `/workflows/${encodeURIComponent(workflowId)}/deactivate`);
		},
		executions,
		async waitForExecutions(workflowId, count, timeoutMs) {
			const deadline = Date.now() + timeoutMs;
			let finished: any[] = [];
			let seen = 0;
			for (;;) {
				const all = await executions(workflowId);
				seen = all.length;
				finished = all.filter(isFinished);
				if (finished.length >= count) return finished;
				if (Date.now() > deadline) {
					throw new Error(
						`workflow ${workflowId}: ${finished.length} of ${count} executions finished within ${timeoutMs} ms (${seen} in total):\n${log.tail()}`,
					);
				}
				await sleep(250);
			}
		},
		logs: log.text,
		stop,
		kill,
		start,
	};

	await start();
	return instance;
}
