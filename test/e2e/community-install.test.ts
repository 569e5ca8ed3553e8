/**
 * Install, update and uninstall through n8n's own community-package flow (what Settings →
 * Community nodes calls: `POST`, `PATCH`, `DELETE /rest/community-packages` with the owner's
 * session), from a private npm registry, in a real n8n 2.41.1 that does NOT have the package
 * preinstalled.
 *
 * - The registry is verdaccio 6.8.0 (test/harness/verdaccio.ts) on a free loopback port with a temp
 *   storage. This package is published there by the test (version X from package.json, later X+1
 *   patch) and never looked up upstream; every other package (the runtime dependencies n8n's
 *   `npm install --ignore-scripts` needs in `.n8n/nodes`) is proxied to the registry npm is
 *   configured with (E2E_NPM_UPLINK overrides it, e.g. a mirror). So the test needs that registry
 *   reachable: the public npm registry is reachable on the machines this suite runs on; fully
 *   offline, point E2E_NPM_UPLINK at a mirror that holds the dependencies.
 * - n8n sends its installs to N8N_COMMUNITY_PACKAGES_REGISTRY, but only with the licensed feature
 *   `feat:communityNodes:customRegistry` (n8n Enterprise); without it the install answers "feature
 *   not licensed". The test switches that one feature on through n8n's own end-to-end test mode
 *   (E2E_TESTS=true, `PATCH /rest/e2e/feature`): every other licensed feature stays off, as in an
 *   unlicensed n8n. docs/community-install.md says what an operator without the license does.
 * - An update while a Batch Trigger is active and webhooks keep arriving loses no event: every
 *   accepted 202 is delivered in an execution, before or after the trigger is re-activated on the
 *   new version.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManagementService } from '../../src/management/service';
import { createStores, type Stores } from '../../src/redis';
import { uniquePrefix } from '../harness/gateway';
import { N8N_VERSION, n8nServeEnv, packPackage, startN8n, type N8nInstance } from '../harness/n8n';
import { freePort } from '../harness/ports';
import { makeTempDir, runOrThrow } from '../harness/processes';
import { startRedis, type RedisServer } from '../harness/redis';
import { startVerdaccio, type Verdaccio } from '../harness/verdaccio';
import {
	assertBuilt,
	eventually,
	PACKAGE,
	portOpen,
	sendWebhook,
	sleep,
	TICK_MS,
	triggerItems,
	triggerWorkflow,
	type Sent,
} from './fixtures/triggers';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Every node package.json declares, by its type name (file WebhookBatchTrigger.node.js → webhookBatchTrigger). */
const NODE_TYPES = (
	JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	}
).n8n.nodes
	.map((file) => path.basename(file, '.node.js'))
	.map((name) => `${PACKAGE}.${name.charAt(0).toLowerCase()}${name.slice(1)}`);
const CUSTOM_REGISTRY_FEATURE = 'feat:communityNodes:customRegistry';
/** Bounds of the sender that runs through the update (an update took ~40 s here). */
const SENDER_MAX_REQUESTS = 2000;
const SENDER_PACE_MS = 100;
/** An install or update runs `npm install` of the dependencies: about a minute here, more on a busy machine. */
const PACKAGE_CHANGE_TIMEOUT_MS = 300_000;

/** A copy of a packed tarball with another version in its package.json (the "next release"). */
async function withVersion(tarball: string, version: string): Promise<string> {
	const dir = makeTempDir('wgw-next-');
	await runOrThrow('tar', ['-xzf', tarball, '-C', dir]);
	const manifestPath = path.join(dir, 'package', 'package.json');
	const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
	fs.writeFileSync(manifestPath, JSON.stringify({ ...manifest, version }, null, 2));
	const next = path.join(dir, `${PACKAGE}-${version}.tgz`);
	await runOrThrow('tar', ['-czf', next, '-C', dir, 'package']);
	return next;
}

function nextPatch(version: string): string {
	const [major, minor, patch] = version.split('-')[0]!.split('.').map(Number);
	return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

/** Event ids delivered in the workflow's executions, with how often each was delivered. */
async function delivered(n8n: N8nInstance, workflowId: string): Promise<Map<string, number>> {
	const counts = new Map<string, number>();
	for (const execution of await n8n.executions(workflowId)) {
		if (execution.status !== 'success') continue;
		for (const item of triggerItems(execution)) counts.set(item.id, (counts.get(item.id) ?? 0) + 1);
	}
	return counts;
}

describe(
	`install, update and uninstall from a private registry through n8n ${N8N_VERSION}'s community-package endpoint`,
	{ timeout: 1_200_000 },
	() => {
		let redis: RedisServer;
		let stores: Stores;
		let registry: Verdaccio;
		let n8n: N8nInstance;
		let tarball: string;
		let version: string;
		let prefix: string;
		let servePort: number;
		let hooks: string;
		let workflowId: string;
		let subscriber: string;
		const accepted: Sent[] = [];

		const installed = async () => (await n8n.rest('GET', '/community-packages')).data as any[];
		/** The package's node types n8n can describe (what the editor asks for after an install). */
		const knownTypes = async () => {
			const known: string[] = [];
			for (const type of NODE_TYPES) {
				const answer = await n8n
					.rest('POST', '/node-types', { nodeInfos: [{ name: type, version: 1 }] })
					.catch((error: unknown) => {
						// An unknown node type is an error answer; anything else (no answer at all) is a failure.
						if (/ -> \d{3}:/.test(String(error))) return undefined;
						throw error;
					});
				if (answer?.data?.[0]?.displayName) known.push(type);
			}
			return known.sort();
		};
		const listening = () =>
			(
				n8n
					.logs()
					.match(
						new RegExp(
							`Trigger listening on[^\\n]*subscriber=${subscriber.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
							'g',
						),
					) ?? []
			).length;
		const ledger = () =>
			JSON.parse(
				fs.readFileSync(path.join(n8n.userFolder, '.n8n', 'nodes', 'package.json'), 'utf8'),
			) as { dependencies: Record<string, string> };

		before(async () => {
			assertBuilt(REPO_ROOT);
			redis = await startRedis();
			prefix = uniquePrefix();
			servePort = await freePort();
			hooks = `http://127.0.0.1:${servePort}`;
			stores = createStores({ url: redis.url, name: 'e2e', offlineQueue: true }, prefix);
			const management = new ManagementService(stores, {
				publicUrl: hooks,
				defaultPlan: 'unlimited',
				defaultBufferCapacity: 100_000,
			});
			await management.setAccountPlan('default', 'unlimited');
			await management.createEndpoint(
				{ auth: { type: 'none' }, id: 'installed', name: 'E2E installed' },
				'e2e',
			);
			registry = await startVerdaccio({ localPackages: [PACKAGE] });
			tarball = await packPackage(REPO_ROOT);
			version = (
				JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
					version: string;
				}
			).version;
			assert.equal(await registry.publish(tarball), `${PACKAGE}@${version}`);
			n8n = await startN8n({
				env: {
					N8N_COMMUNITY_PACKAGES_REGISTRY: registry.url,
					N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
					N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
					...n8nServeEnv(servePort),
				},
				licenseFeatures: [CUSTOM_REGISTRY_FEATURE],
			});
		});

		after(async () => {
			await n8n?.stop();
			if (process.env.E2E_N8N_LOG) fs.writeFileSync(process.env.E2E_N8N_LOG, n8n?.logs() ?? '');
			await registry?.stop();
			await stores?.close();
			await redis?.stop();
		});

		it('installs from the registry as Settings → Community nodes does; the nodes appear and a workflow runs', async () => {
			assert.deepEqual(await installed(), [], 'nothing preinstalled');
			assert.deepEqual(await knownTypes(), [], 'n8n does not know the nodes before the install');

			// Without the license feature, n8n refuses a registry other than npm's public one.
			const setFeature = async (enabled: boolean) => {
				const answer = await fetch(`${n8n.url}/rest/e2e/feature`, {
					method: 'PATCH',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ feature: CUSTOM_REGISTRY_FEATURE, enabled }),
				});
				assert.ok(answer.ok, `PATCH /rest/e2e/feature: ${answer.status}`);
			};
			await setFeature(false);
			await assert.rejects(
				n8n.rest('POST', '/community-packages', { name: PACKAGE }, PACKAGE_CHANGE_TIMEOUT_MS),
				/license does not allow for feat:communityNodes:customRegistry/,
			);
			await setFeature(true);
			assert.deepEqual(await installed(), [], 'the refused install left nothing behind');
			const logsBefore = n8n.logs().length;

			const started = Date.now();
			const answer = (
				await n8n.rest('POST', '/community-packages', { name: PACKAGE }, PACKAGE_CHANGE_TIMEOUT_MS)
			).data;
			console.log(
				`  install through POST /rest/community-packages: ${((Date.now() - started) / 1000).toFixed(1)} s`,
			);
			assert.equal(answer.packageName, PACKAGE);
			assert.equal(answer.installedVersion, version);
			assert.deepEqual(
				answer.installedNodes.map((n: any) => n.type).sort(),
				[...NODE_TYPES].sort(),
			);
			assert.deepEqual(
				await knownTypes(),
				[...NODE_TYPES].sort(),
				'the nodes are n8n node types now',
			);
			assert.equal(ledger().dependencies[PACKAGE], version);
			assert.doesNotMatch(
				n8n.logs().slice(logsBefore),
				/Error loading package|Failed to load/i,
				'the install logged no loading error',
			);

			const credential = await n8n.createCredential('Gateway (installed)', 'webhookGatewayApi', {
				connectionType: 'url',
				redisUrl: redis.url,
				keyPrefix: prefix,
				publicUrl: hooks,
			});
			const wf = triggerWorkflow('installed batch', {
				kind: 'batch',
				endpointId: 'installed',
				credential: { id: credential.id, name: 'Gateway (installed)' },
			});
			workflowId = (await n8n.createWorkflow(wf)).id;
			subscriber = `${workflowId}:${wf.triggerNodeId}`;
			await n8n.activate(workflowId);
			assert.ok(
				await eventually(async () => listening() >= 1, 30_000),
				'the trigger logged "listening on"',
			);
			assert.ok(
				await eventually(() => portOpen(servePort), 10_000),
				'the embedded gateway listens',
			);

			for (let seq = 0; seq < 5; seq++) {
				const sent = await sendWebhook(hooks, 'installed', seq);
				assert.equal(sent.status, 202);
				accepted.push(sent);
			}
			assert.ok(
				await eventually(
					async () => {
						const got = await delivered(n8n, workflowId);
						return accepted.every((s) => got.has(s.body.eventId));
					},
					3 * TICK_MS + 30_000,
					500,
				),
				'the five webhooks are delivered in an execution',
			);
		});

		it('updates to the next version while the trigger is active and webhooks keep arriving: no event lost', async () => {
			assert.ok(workflowId, 'the install case ran');
			const next = nextPatch(version);
			assert.equal(await registry.publish(await withVersion(tarball, next)), `${PACKAGE}@${next}`);

			// A bounded sender on loopback, running until shortly after the update answered.
			let updating = true;
			const refused: { seq: number; status: number; error?: string }[] = [];
			const sender = (async () => {
				let stopAt = Infinity;
				for (let seq = 1000; seq < 1000 + SENDER_MAX_REQUESTS && Date.now() < stopAt; seq++) {
					if (!updating && stopAt === Infinity) stopAt = Date.now() + 3000;
					try {
						const sent = await sendWebhook(hooks, 'installed', seq);
						if (sent.status === 202) accepted.push(sent);
						else refused.push({ seq, status: sent.status });
					} catch (error) {
						refused.push({ seq, status: 0, error: String(error) });
					}
					await sleep(SENDER_PACE_MS);
				}
			})();
			const beforeUpdate = accepted.length;
			await sleep(1000);
			const started = Date.now();
			const answer = (
				await n8n.rest('PATCH', '/community-packages', { name: PACKAGE }, PACKAGE_CHANGE_TIMEOUT_MS)
			).data;
			const answered = Date.now();
			updating = false;
			await sender;
			const during = accepted.filter((s) => s.at > started && s.at < answered).length;
			const afterwards = accepted.filter((s) => s.at >= answered).length;
			console.log(
				`  update through PATCH /rest/community-packages: ${((answered - started) / 1000).toFixed(1)} s; webhooks accepted: ${accepted.length - beforeUpdate} in all, ${during} during the update, ${afterwards} after it; ${refused.length} not accepted`,
			);
			assert.deepEqual(
				refused,
				[],
				'the active trigger’s gateway kept accepting during the update',
			);
			assert.ok(
				during >= 10 && afterwards >= 5,
				'webhooks arrived during the whole update and after it',
			);

			assert.equal(answer.installedVersion, next);
			const [listed] = await installed();
			assert.equal(listed.installedVersion, next, 'n8n lists the new version');
			assert.equal(ledger().dependencies[PACKAGE], next);
			const onDisk = JSON.parse(
				fs.readFileSync(
					path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE, 'package.json'),
					'utf8',
				),
			);
			assert.equal(onDisk.version, next);
			assert.deepEqual(
				await knownTypes(),
				[...NODE_TYPES].sort(),
				'the nodes are still known after the update',
			);

			// The trigger that was active keeps running the code it was started with: every accepted
			// event is delivered without any action.
			const missing = async () => {
				const got = await delivered(n8n, workflowId);
				return accepted.filter((s) => !got.has(s.body.eventId));
			};
			assert.ok(
				await eventually(async () => (await missing()).length === 0, 3 * TICK_MS + 30_000, 1000),
				`every accepted webhook delivered (${(await missing()).length} missing)`,
			);

			// Re-activation (what a user does to run the new version) starts the trigger from the updated package.
			const listensBefore = listening();
			await n8n.deactivate(workflowId);
			await n8n.activate(workflowId);
			assert.ok(
				await eventually(async () => listening() > listensBefore, 30_000),
				'the trigger started again',
			);
			const after: Sent[] = [];
			for (let seq = 5000; seq < 5005; seq++) {
				const sent = await sendWebhook(hooks, 'installed', seq);
				assert.equal(sent.status, 202);
				after.push(sent);
				accepted.push(sent);
			}
			assert.ok(
				await eventually(async () => (await missing()).length === 0, 3 * TICK_MS + 30_000, 1000),
				'delivered by the re-activated trigger',
			);
			const counts = await delivered(n8n, workflowId);
			const duplicates = [...counts.values()].filter((n) => n > 1).length;
			console.log(
				`  ${accepted.length} accepted, all delivered; ${duplicates} delivered more than once`,
			);
			assert.equal(duplicates, 0, 'no event delivered twice');
		});

		it('uninstalls through the endpoint: the nodes are gone and n8n stays healthy', async () => {
			assert.ok(workflowId, 'the install case ran');
			await n8n.deactivate(workflowId);
			await n8n.rest(
				'DELETE',
				`/community-packages?name=${encodeURIComponent(PACKAGE)}`,
				undefined,
				PACKAGE_CHANGE_TIMEOUT_MS,
			);
			assert.deepEqual(await installed(), []);
			assert.deepEqual(await knownTypes(), [], 'n8n does not know the nodes any more');
			assert.equal(ledger().dependencies[PACKAGE], undefined);
			assert.equal(
				fs.existsSync(path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE)),
				false,
			);
			assert.ok(
				await eventually(async () => !(await portOpen(servePort)), 10_000),
				'the embedded gateway closed',
			);
			const health = await fetch(`${n8n.url}/healthz/readiness`);
			assert.equal(health.status, 200);
			assert.ok((await n8n.rest('GET', '/settings')).data, 'the REST API answers');
		});
	},
);
