/**
 * The trigger nodes' own lifecycle, in a mock n8n context (test/helpers/triggerContext.ts, as n8n
 * tests its triggers with `testTriggerNode`) against a real redis-server and the real gateway
 * ingest: closeFunction may be called twice and releases the shared Redis client once; in manual
 * mode ("Execute step") the manual trigger function emits the first event that arrives; a release
 * schedule that cannot work fails activation with a NodeOperationError naming the parameter, with
 * nothing left open. Each case takes milliseconds; the same behaviour inside a real n8n is covered
 * by test/e2e/batch-trigger.test.ts and raw-trigger.test.ts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INodeType,
} from 'n8n-workflow';
import { sharedRefCount } from '../../src/runtime/processResources';
import { startTestGateway, type TestGateway } from '../harness/gateway';
import { startRedis, type RedisServer } from '../harness/redis';
import { testTriggerNode, type TriggerTest } from '../helpers/triggerContext';

// By path with the extension: a bare `X.node` would resolve to the codex file X.node.json.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WebhookBatchTrigger } = require(
	path.resolve(__dirname, '../../nodes/WebhookBatchTrigger/WebhookBatchTrigger.node.ts'),
) as typeof import('../../nodes/WebhookBatchTrigger/WebhookBatchTrigger.node');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { WebhookRawTrigger } = require(
	path.resolve(__dirname, '../../nodes/WebhookRawTrigger/WebhookRawTrigger.node.ts'),
) as typeof import('../../nodes/WebhookRawTrigger/WebhookRawTrigger.node');

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await sleep(10);
	}
}

const TRIGGERS: [string, new () => INodeType][] = [
	['Webhook Batch Trigger', WebhookBatchTrigger],
	['Webhook Raw Trigger', WebhookRawTrigger],
];

describe('trigger nodes in a mock n8n context (real Redis)', () => {
	let redis: RedisServer;
	let gw: TestGateway;
	let credential: ICredentialDataDecryptedObject;
	const parameters = (extra: IDataObject = {}): IDataObject => ({
		endpoint: { __rl: true, mode: 'list', value: 'unit-triggers' },
		...extra,
	});
	const stoppedLogs = (t: TriggerTest) => t.logs.filter((l) => / stopped; /.test(l.message)).length;

	before(async () => {
		redis = await startRedis();
		gw = await startTestGateway({ url: redis.url });
		await gw.gateway.management.setAccountPlan('default', 'unlimited');
		await gw.gateway.management.createEndpoint(
			{ id: 'unit-triggers', name: 'Unit triggers', auth: { type: 'none' } },
			'test',
		);
		credential = {
			connectionType: 'url',
			redisUrl: redis.url,
			keyPrefix: gw.config.keyPrefix,
			publicUrl: gw.url,
		};
	});
	after(async () => {
		await gw?.close();
		await redis?.stop();
	});

	for (const [name, Node] of TRIGGERS) {
		it(`${name}: closeFunction twice does not throw and releases the shared client once`, async () => {
			const baseline = sharedRefCount('client');
			const other = await testTriggerNode(Node, {
				parameters: parameters(),
				credential,
				nodeId: 'other',
			});
			const t = await testTriggerNode(Node, {
				parameters: parameters(),
				credential,
				nodeId: 'closing',
			});
			try {
				assert.equal(
					sharedRefCount('client'),
					baseline + 2,
					'each active trigger holds one lease on the shared client',
				);
				await t.response.closeFunction!();
				await t.response.closeFunction!();
				// The lease goes once the trigger is idle (asynchronously); a second release would take the other trigger's.
				await waitFor(
					'the closed trigger to release its lease',
					() => sharedRefCount('client') === baseline + 1,
				);
				await sleep(50);
				assert.equal(sharedRefCount('client'), baseline + 1, 'the other trigger keeps its lease');
				assert.equal(stoppedLogs(t), 1, 'stopped once');
			} finally {
				await t.response.closeFunction!();
				await other.response.closeFunction!();
			}
			await waitFor('every lease to be released', () => sharedRefCount('client') === baseline);
		});

		it(`${name}: manual mode emits the first event that arrives`, async () => {
			// A fresh endpoint holds nothing: the manual trigger function waits for the next arrival.
			const id = `manual-${Node === WebhookBatchTrigger ? 'batch' : 'raw'}`;
			const created = await gw.gateway.management.createEndpoint(
				{ id, name: id, auth: { type: 'none' } },
				'test',
			);
			const t = await testTriggerNode(Node, {
				mode: 'manual',
				parameters: { endpoint: { __rl: true, mode: 'list', value: id } },
				credential,
			});
			try {
				await t.response.manualTriggerFunction!();
				assert.equal(t.emitted.length, 0, 'nothing is emitted before an event arrives');
				const url = `${gw.url}/${created.endpoint.url.split('/').slice(3).join('/')}`;
				const res = await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ n: 1 }),
				});
				assert.equal(res.status, 202, await res.text());
				await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ n: 2 }),
				});
				await waitFor('the test event to be emitted', () => t.emitted.length > 0);
				await sleep(50);
				assert.equal(t.emitted.length, 1, 'one test event, then the listener stops');
				const items = t.emitted[0]![0]!;
				assert.equal(items.length, 1);
				assert.deepEqual((items[0]!.json as { body: unknown }).body, { n: 1 });
				assert.deepEqual(t.errors, []);
			} finally {
				await t.response.closeFunction!();
				await t.response.closeFunction!();
			}
		});
	}

	const badSchedules: [string, IDataObject, RegExp][] = [
		[
			'a cron expression with 3 fields',
			{ schedule: 'cron', cronExpression: '* * *' },
			/Cron Expression needs 5 fields/,
		],
		[
			'a cron expression node-schedule cannot parse',
			{ schedule: 'cron', cronExpression: '99 * * * *' },
			/not a valid cron expression|cannot schedule/,
		],
		[
			'minutes between releases out of range',
			{ schedule: 'everyNMinutes', minutesInterval: 0 },
			/Minutes Between Releases must be a whole number from 1 to 59/,
		],
		[
			'hours between releases out of range',
			{ schedule: 'everyNHours', hoursInterval: 24 },
			/Hours Between Releases must be a whole number from 1 to 23/,
		],
		[
			'trigger at hour not a number',
			{ schedule: 'everyDay', triggerAtHour: 'noon' },
			/Trigger at Hour must be a whole number/,
		],
	];
	for (const [what, schedule, message] of badSchedules) {
		it(`Webhook Batch Trigger: ${what} fails activation with a NodeOperationError naming it`, async () => {
			const baseline = sharedRefCount('client');
			await assert.rejects(
				testTriggerNode(WebhookBatchTrigger, { parameters: parameters(schedule), credential }),
				(error: unknown) => {
					assert.ok(
						error instanceof NodeOperationError,
						`a NodeOperationError, got ${String(error)}`,
					);
					assert.match(error.message, /^Invalid release schedule: /);
					assert.match(error.message, message);
					return true;
				},
			);
			await waitFor('nothing to stay open', () => sharedRefCount('client') === baseline);
		});
	}

	it('Webhook Batch Trigger: an unknown time zone fails activation with a NodeOperationError', async () => {
		await assert.rejects(
			testTriggerNode(WebhookBatchTrigger, {
				parameters: parameters(),
				credential,
				timezone: 'Mars/Olympus',
			}),
			(error: unknown) => {
				assert.ok(error instanceof NodeOperationError);
				assert.match(error.message, /Invalid release schedule: .*Mars\/Olympus/);
				return true;
			},
		);
	});
});
