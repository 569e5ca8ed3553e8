/**
 * The triggers refuse activation in a workflow on n8n's Engine 2.0 (settings.engineType "v2"), which
 * would refuse every release they make, and say what to change; manual runs, v1 workflows and n8n
 * releases without getWorkflowSettings (older 1.x) pass. The real n8n case is in
 * test/e2e/engine-v2.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NodeOperationError, type ITriggerFunctions } from 'n8n-workflow';
import { assertEngineSupported } from '../../nodes/shared/trigger';

function ctx(
	mode: string,
	settings: Record<string, unknown> | undefined,
	withSettings = true,
): ITriggerFunctions {
	const node = {
		id: 'n1',
		name: 'Trigger',
		type: 'n8n-nodes-webhook-gateway.webhookBatchTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const base = { getMode: () => mode, getNode: () => node };
	return (withSettings
		? { ...base, getWorkflowSettings: () => settings }
		: base) as unknown as ITriggerFunctions;
}

describe('Engine 2.0 detection', () => {
	it('refuses activation of a v2 workflow with a message that says what to change', () => {
		assert.throws(
			() =>
				assertEngineSupported(
					ctx('trigger', { engineType: 'v2' }),
					'activate the Webhook Batch Trigger',
				),
			(error: unknown) => {
				assert.ok(error instanceof NodeOperationError);
				assert.match(
					error.message,
					/^Could not activate the Webhook Batch Trigger: this workflow runs on n8n's Engine 2\.0/,
				);
				assert.match(String(error.description), /set "engineType" to "v1"/);
				return true;
			},
		);
	});

	it('lets v1 workflows, workflows without the setting, manual runs and older n8n through', () => {
		assertEngineSupported(ctx('trigger', { engineType: 'v1' }), 'activate');
		assertEngineSupported(ctx('trigger', {}), 'activate');
		assertEngineSupported(ctx('trigger', undefined), 'activate');
		assertEngineSupported(ctx('manual', { engineType: 'v2' }), 'listen for a test event');
		assertEngineSupported(ctx('trigger', undefined, false), 'activate');
	});
});
