/**
 * The Webhook Raw Trigger, what is refused at the door (403/429), the embedded gateway's shared
 * listen and where it listens (n8n's environment, not a credential), manual runs ("Execute step") and the credential test, inside a real n8n (2.41.1, or
 * E2E_N8N_VERSION: test/e2e/n8n-1.x runs this file in 1.x) with the package installed from its
 * npm tarball, a private redis-server and real HTTP webhooks.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../harness/ports';
import { N8N_MAJOR, N8N_VERSION } from '../harness/n8n';
import { startRedis } from '../harness/redis';
import { PRESET_CATALOG } from '../../src/auth/catalog';
import { startGatewayN8n, type GatewayN8n } from './fixtures/context';
import {
	assertSameEvent,
	awayFromTick,
	eventually,
	portOpen,
	sendAccepted,
	sendWebhook,
	sleep,
	TICK_MS,
	triggerItems,
} from './fixtures/triggers';

let g: GatewayN8n;
/**
 * A credential with the serve, listen host and listen port fields of earlier versions, stored as
 * those versions' editor stored it (n8n's public API refuses fields the type no longer declares).
 */
async function legacyCredential(
	name: string,
	data: Record<string, unknown>,
): Promise<{ id: string }> {
	const created = await g.n8n.rest('POST', '/credentials', {
		name,
		type: 'webhookGatewayApi',
		data,
	});
	return { id: String(created.data.id) };
}

/** Records the case's duration in the summary (the context exists once before() ran). */
const timed = (name: string, fn: () => Promise<void>) => () => g.timed(name, fn)();

describe(
	`Webhook Raw Trigger, embedded gateway, manual runs and credential in a real n8n ${N8N_VERSION}`,
	{ timeout: 900_000 },
	() => {
		before(async () => {
			g = await startGatewayN8n();
		});
		after(async () => {
			await g?.close('raw trigger e2e');
		});

		it(
			'Raw Trigger: one execution per event, the first within 1 s of its 202',
			timed('raw trigger', async () => {
				await g.endpoint('alerts');
				const raw = await g.workflow('raw', { kind: 'raw', endpointId: 'alerts' });
				const { id } = raw;
				await g.activate(raw);
				const sent = [];
				for (let seq = 400; seq < 405; seq++) {
					const s = await sendWebhook(g.hooks, 'alerts', seq);
					assert.equal(s.status, 202);
					sent.push(s);
					await sleep(150);
				}
				const executions = await g.settledExecutions(id, 5);
				assert.equal(executions.length, 5, 'one execution per event');
				const byEvent = new Map(executions.map((e) => [triggerItems(e)[0].id, e]));
				for (const s of sent) {
					const execution = byEvent.get(s.body.eventId);
					assert.ok(execution, `an execution for event ${s.seq}`);
					assert.equal(execution.status, 'success');
					const items = triggerItems(execution);
					assert.equal(items.length, 1);
					assertSameEvent(items[0], s, 'alerts');
				}
				const first = byEvent.get(sent[0].body.eventId);
				const delay = Date.parse(first.startedAt) - sent[0].at;
				g.note(`  raw: first execution started ${delay} ms after the 202`);
				assert.ok(delay < 1000, `first execution started ${delay} ms after the 202`);
			}),
		);

		it(
			'requests answered 403 (wrong token) or 429 (plan limit) start no execution and are never delivered',
			timed('403 and 429', async () => {
				const { secret } = await g.endpoint('signed', {
					auth: { type: 'header', headerName: 'authorization', prefix: 'Bearer ' },
				});
				assert.ok(secret);
				await g.management.setAccountPlan('trial', 'free-trial');
				await g.endpoint('limited', { accountId: 'trial' });
				const signedWf = await g.workflow('batch signed', { kind: 'batch', endpointId: 'signed' });
				const limitedWf = await g.workflow('raw limited', { kind: 'raw', endpointId: 'limited' });
				const [signed, limited] = [signedWf.id, limitedWf.id];
				await g.activate(signedWf);
				await g.activate(limitedWf);

				await awayFromTick();
				const good = await sendWebhook(g.hooks, 'signed', 500, {
					authorization: `Bearer ${secret}`,
				});
				const bad1 = await sendWebhook(g.hooks, 'signed', 501, {
					authorization: 'Bearer wrong-token',
				});
				const bad2 = await sendWebhook(g.hooks, 'signed', 502);
				assert.deepEqual([good.status, bad1.status, bad2.status], [202, 403, 403]);
				assert.equal(bad1.body.error.code, 'unauthorized');

				const first = await sendWebhook(g.hooks, 'limited', 600);
				const second = await sendWebhook(g.hooks, 'limited', 601);
				assert.deepEqual(
					[first.status, second.status],
					[202, 429],
					'free-trial allows one request per second',
				);
				assert.equal(second.body.error.code, 'rate_limited');

				await sleep(2 * TICK_MS + 1500);
				const signedRuns = await g.n8n.executions(signed);
				assert.equal(signedRuns.length, 1, 'one batch, for the one accepted request');
				const items = triggerItems(signedRuns[0]);
				assert.equal(items.length, 1);
				assertSameEvent(items[0], good, 'signed');
				assert.equal(
					items[0].headers.authorization,
					undefined,
					'the token header is not passed on',
				);
				const limitedRuns = await g.n8n.executions(limited);
				assert.equal(limitedRuns.length, 1, 'one execution, for the one accepted request');
				assert.equal(triggerItems(limitedRuns[0])[0].id, first.body.eventId);
			}),
		);

		it(
			"embedded gateway: n8n's environment decides where it listens; an old credential's serve port opens nothing; triggers share one listen",
			timed('embedded gateway address', async () => {
				const legacyPort = await freePort();
				const created = await legacyCredential('Gateway (old fields)', {
					connectionType: 'url',
					redisUrl: g.redis.url,
					keyPrefix: g.prefix,
					publicUrl: g.hooks,
					serve: true,
					serveHost: '127.0.0.1',
					servePort: legacyPort,
				});
				const legacy = { id: created.id, name: 'Gateway (old fields)' };
				await g.endpoint('shared-port');
				const a = await g.workflow('port a', {
					kind: 'batch',
					endpointId: 'shared-port',
					credential: legacy,
				});
				const b = await g.workflow('port b', {
					kind: 'raw',
					endpointId: 'shared-port',
					credential: legacy,
				});
				await g.activate(a);
				await g.activate(b);
				assert.ok(
					await eventually(() => portOpen(g.servePort), 10_000),
					'the port of WEBHOOK_GATEWAY_N8N_PORT listens',
				);
				assert.equal(await portOpen(legacyPort), false, "the credential's port does not");
				assert.equal((await sendWebhook(g.hooks, 'shared-port', 700)).status, 202);
				assert.doesNotMatch(
					g.n8n.logs(),
					/Webhook gateway not started on/,
					'no second listen was tried',
				);
				const warnings =
					g.n8n
						.logs()
						.match(
							new RegExp(
								`credential asks to serve endpoints on 127\\.0\\.0\\.1:${legacyPort}; credentials no longer decide that[^\\n]*WEBHOOK_GATEWAY_N8N_PORT=${legacyPort}`,
								'g',
							),
						) ?? [];
				assert.equal(warnings.length, 1, 'one warning naming the variables, for two triggers');
				await g.deactivate(a);
				await g.deactivate(b);
			}),
		);

		it(
			'manual run ("Execute step"): waits for the next event, or shows the newest buffered one, consuming nothing',
			timed('manual run', async () => {
				await g.endpoint('manual-ep');
				// A production subscriber whose schedule does not fire during the test: it must keep everything.
				const production = await g.workflow('manual production', {
					kind: 'batch',
					endpointId: 'manual-ep',
					parameters: { cronExpression: '0 0 1 1 *' },
				});
				await g.activate(production);
				const editor = await g.workflow('manual editor', { kind: 'raw', endpointId: 'manual-ep' });
				const runManually = async () => {
					// n8n 1.x's editor sends the whole workflow with the request; 2.x reads the saved one.
					const workflowData =
						N8N_MAJOR >= 2 ? undefined : (await g.n8n.rest('GET', `/workflows/${editor.id}`)).data;
					const started = await g.n8n.rest('POST', `/workflows/${editor.id}/run`, {
						workflowData,
						triggerToStartFrom: { name: 'Trigger' },
					});
					assert.ok(started.data?.executionId, JSON.stringify(started));
					return String(started.data.executionId);
				};
				const finished = async (executionId: string) => {
					let found: any;
					assert.ok(
						await eventually(async () => {
							found = (await g.n8n.executions(editor.id)).find(
								(e) =>
									String(e.id) === executionId &&
									e.finished !== undefined &&
									e.status !== 'running' &&
									e.status !== 'new',
							);
							return Boolean(found);
						}, 30_000),
						`manual execution ${executionId} finished`,
					);
					return found;
				};

				// Nothing buffered: the run waits for the next event.
				const waiting = await runManually();
				await sleep(2000);
				const next = await sendWebhook(g.hooks, 'manual-ep', 800);
				assert.equal(next.status, 202);
				const first = await finished(waiting);
				assert.equal(first.mode, 'manual');
				assert.equal(first.status, 'success');
				assertSameEvent(triggerItems(first)[0], next, 'manual-ep');

				// Something buffered: the run shows the newest event at once.
				await sendAccepted(g.hooks, 'manual-ep', 801, 1);
				const newest = (await sendAccepted(g.hooks, 'manual-ep', 802, 1))[0];
				const second = await finished(await runManually());
				const items = triggerItems(second);
				assert.equal(items.length, 1);
				assertSameEvent(items[0], newest, 'manual-ep');

				// Nothing was consumed, and the editor run left no subscriber behind.
				const ref = { id: 'manual-ep', accountId: 'default' };
				assert.equal(
					await g.stores.buffer.waiting(ref, production.sub),
					3,
					'the production subscriber still has all three events',
				);
				assert.deepEqual(
					(await g.stores.buffer.subscribers.list(ref)).map((s) => s.id),
					[production.sub],
				);
				await g.deactivate(production);
			}),
		);

		it(
			'activating a trigger for an endpoint that does not exist fails with a message saying so',
			timed('unknown endpoint', async () => {
				const orphan = await g.workflow('raw orphan', {
					kind: 'raw',
					endpointId: 'no-such-endpoint',
				});
				const expected = `There was a problem activating the workflow: "Endpoint 'no-such-endpoint' does not exist"`;
				// n8n 2.x accepts the request, tries the activation in the background (and retries it);
				// n8n 1.x activates at once and answers the node's error.
				const refused = await g.n8n.activate(orphan.id).then(
					() => '',
					(error: unknown) => String(error),
				);
				if (N8N_MAJOR < 2) assert.match(refused, /Endpoint 'no-such-endpoint' does not exist/);
				else {
					if (refused) assert.match(refused, /does not exist/);
					assert.ok(
						await eventually(async () => g.n8n.logs().includes(expected), 20_000),
						'n8n reports the missing endpoint',
					);
				}
				await g.n8n.deactivate(orphan.id).catch(() => undefined);
			}),
		);

		it(
			'credential test and endpoint list work through n8n’s own API',
			timed('credential test, list search', async () => {
				// n8n 1.x tests only saved credentials (with the values sent on top); 2.x also unsaved ones.
				const id = N8N_MAJOR >= 2 ? '' : g.credential.id;
				const test = (data: Record<string, unknown>) =>
					g.n8n.rest('POST', '/credentials/test', {
						credentials: { id, name: 'probe', type: 'webhookGatewayApi', data },
					});
				const ok = await test({
					connectionType: 'url',
					redisUrl: g.redis.url,
					keyPrefix: g.prefix,
				});
				assert.equal(ok.data.status, 'OK', JSON.stringify(ok));
				assert.match(
					ok.data.message,
					/Connected to Redis at 127\.0\.0\.1:\d+; \d+ endpoints registered under key prefix/,
				);
				const closedPort = await freePort();
				const refused = await test({
					connectionType: 'fields',
					host: '127.0.0.1',
					port: closedPort,
					keyPrefix: g.prefix,
				});
				assert.equal(refused.data.status, 'Error');
				assert.match(
					refused.data.message,
					new RegExp(`Connection refused at 127\\.0\\.0\\.1:${closedPort}`),
				);
				const locked = await startRedis({ extraArgs: ['--requirepass', 'right-password'] });
				try {
					const wrong = await test({
						connectionType: 'fields',
						host: '127.0.0.1',
						port: locked.port,
						password: 'wrong-password',
					});
					assert.equal(wrong.data.status, 'Error');
					assert.match(wrong.data.message, /Authentication failed .*WRONGPASS/);
					const none = await test({
						connectionType: 'fields',
						host: '127.0.0.1',
						port: locked.port,
					});
					assert.match(none.data.message, /Authentication failed .*NOAUTH/);
				} finally {
					await locked.stop();
				}

				const search = await g.n8n.rest(
					'POST',
					'/dynamic-node-parameters/resource-locator-results',
					{
						nodeTypeAndVersion: {
							name: 'n8n-nodes-webhook-gateway.webhookBatchTrigger',
							version: 1,
						},
						path: 'endpoint',
						methodName: 'searchEndpoints',
						filter: 'ALER',
						currentNodeParameters: {},
						credentials: { webhookGatewayApi: g.credential },
					},
				);
				assert.deepEqual(
					search.data.results,
					[
						{
							name: `E2E alerts (alerts) — ${g.hooks}/hooks/alerts`,
							value: 'alerts',
							description: `${g.hooks}/hooks/alerts`,
							url: `${g.hooks}/hooks/alerts`,
						},
					],
					'case-insensitive search by name or id',
				);

				// A preset endpoint: the entry names the provider, links to its guide and carries the setup
				// hint as the link's tooltip (`linkAlt`, what n8n 1.123 and 2.41 show on the link icon).
				await g.endpoint('gh-hint', {
					name: 'E2E repo pushes',
					auth: { type: 'hmac', preset: 'github' },
				});
				const github = await g.n8n.rest(
					'POST',
					'/dynamic-node-parameters/resource-locator-results',
					{
						nodeTypeAndVersion: { name: 'n8n-nodes-webhook-gateway.webhookRawTrigger', version: 1 },
						path: 'endpoint',
						methodName: 'searchEndpoints',
						filter: 'gh-hint',
						currentNodeParameters: {},
						credentials: { webhookGatewayApi: g.credential },
					},
				);
				const setup = `GitHub setup: ${PRESET_CATALOG.github.setupHint}`;
				assert.match(setup, /Payload URL = the endpoint URL/);
				assert.deepEqual(
					github.data.results,
					[
						{
							name: `E2E repo pushes (gh-hint) — ${g.hooks}/hooks/gh-hint · GitHub`,
							value: 'gh-hint',
							description: setup,
							url: 'https://github.com/n8n-nodes-webhook-gateway/n8n-nodes-webhook-gateway/blob/main/docs/providers/github.md',
							linkAlt: setup,
						},
					],
					'the GitHub endpoint’s entry carries its setup hint through n8n’s REST',
				);
			}),
		);

		it(
			'without WEBHOOK_GATEWAY_N8N_SERVE, n8n opens no port, whatever a credential asks',
			timed('no serve variable', async () => {
				await g.n8n.stop();
				await g.n8n.start({ WEBHOOK_GATEWAY_N8N_SERVE: undefined });
				const legacyPort = await freePort();
				const created = await legacyCredential('Gateway (asks to serve)', {
					connectionType: 'url',
					redisUrl: g.redis.url,
					keyPrefix: g.prefix,
					serve: true,
					serveHost: '127.0.0.1',
					servePort: legacyPort,
				});
				await g.endpoint('no-port');
				const raw = await g.workflow('no port', {
					kind: 'raw',
					endpointId: 'no-port',
					credential: { id: created.id, name: 'Gateway (asks to serve)' },
				});
				await g.activate(raw);
				assert.equal(await portOpen(g.servePort), false, 'nothing on WEBHOOK_GATEWAY_N8N_PORT');
				assert.equal(await portOpen(legacyPort), false, "nothing on the credential's port");
				assert.match(
					g.n8n.logs(),
					new RegExp(
						`serve endpoints on 127\\.0\\.0\\.1:${legacyPort}; credentials no longer decide that and the value is ignored: this n8n opens no port for them[^\\n]*set WEBHOOK_GATEWAY_N8N_SERVE=true`,
					),
				);
				await g.deactivate(raw);
			}),
		);
	},
);
