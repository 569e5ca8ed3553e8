import { randomUUID } from 'node:crypto';
import {
	NodeConnectionTypes,
	NodeOperationError,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';
import { webhookGatewayApiTest } from '../shared/credentialTest';
import { emittingRunner } from '../shared/emit';
import { searchEndpoints } from '../shared/endpointLocator';
import { messageOf, toNodeError } from '../shared/errors';
import type { ItemOptions } from '../shared/items';
import { readFilter } from '../shared/filters';
import { credentialDeclaration, readCommonOptions, reclaimLogFields } from '../shared/options';
import { ParameterReader } from '../shared/parameters';
import { subscriberMeta, watchSubscription } from '../shared/subscription';
import { manualResponse, openTrigger, subscriberIdOf } from '../shared/trigger';
import { TRIGGER_PANEL_HEADER } from '../shared/texts';
import { batchTriggerProperties } from './description';
import { BatchReleaser } from '../../src/delivery/batchReleaser';
import { cronOf, startSchedule, type ScheduleParameters } from './schedule';

const ACTIVATION_HINT =
	'Once you are happy with the test event, activate the workflow to release the endpoint’s events on the schedule.';

export class WebhookBatchTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Webhook Batch Trigger',
		name: 'webhookBatchTrigger',
		icon: {
			light: 'file:../../icons/webhookGateway.svg',
			dark: 'file:../../icons/webhookGateway.dark.svg',
		},
		group: ['trigger'],
		version: 1,
		// n8n resolves a resource locator parameter to its value (the endpoint id) in expressions.
		subtitle: '={{ "Endpoint " + $parameter["endpoint"] }}',
		description:
			'Receives the webhooks a gateway endpoint buffered, released in batches on a schedule',
		defaults: { name: 'Webhook Batch Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDeclaration,
		triggerPanel: {
			header: TRIGGER_PANEL_HEADER,
			executionsHelp: {
				inactive:
					'“Execute step” shows the newest event the endpoint holds, or waits for the next one; it consumes nothing. Activate the workflow to receive every event in batches on the schedule; each batch is acknowledged only when its execution succeeds.',
				active:
					'This workflow is active: buffered events are released on the schedule, in batches. A failed batch is released again on the next tick, and after “Max Attempts” failures its events move to the dead-letter list.',
			},
			activationHint: ACTIVATION_HINT,
		},
		properties: batchTriggerProperties,
	};

	methods = {
		listSearch: { searchEndpoints },
		credentialTest: { webhookGatewayApiTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const parameters = new ParameterReader(this, batchTriggerProperties);
		const common = readCommonOptions(parameters);
		const items: ItemOptions = {
			output: parameters.option<ItemOptions['output']>('output'),
			includeRawBody: common.includeRawBody,
		};

		// Read before opening anything: an invalid filter fails activation with nothing to close.
		const filter = readFilter(this);
		if (this.getMode() === 'manual')
			return manualResponse(
				this,
				await openTrigger(this, 'listen for a test event'),
				items,
				filter,
			);

		const maxEvents = parameters.number('options.maxEventsPerExecution');
		const maxBytes = parameters.number('options.maxMegabytesPerExecution') * 1024 * 1024;
		const emitWhenEmpty = parameters.boolean('options.releaseEmptyBatches');
		const releaseWhenWaiting = parameters.number('options.releaseWhenWaiting');
		const bisect = parameters.boolean('options.bisectFailedBatches');
		const timezone = this.getTimezone();
		const cron = cronOf({
			schedule: parameters.option<ScheduleParameters['schedule']>('schedule'),
			minutesInterval: this.getNodeParameter('minutesInterval', 15) as number,
			hoursInterval: this.getNodeParameter('hoursInterval', 2) as number,
			triggerAtHour: this.getNodeParameter('triggerAtHour', 0) as number,
			triggerAtMinute: this.getNodeParameter('triggerAtMinute', 0) as number,
			cronExpression: this.getNodeParameter('cronExpression', '') as string,
		});
		if (!cron.ok) throw new NodeOperationError(node, `Invalid release schedule: ${cron.error}`);

		const opened = await openTrigger(this, 'activate the Webhook Batch Trigger');
		const { session, endpoint, ref, logger } = opened;
		const subscriberId = subscriberIdOf(this);
		// Set once the schedule runs; the watch may stop it when the endpoint is deleted.
		const active: { schedule?: { cancel(): void } } = {};
		const watch = watchSubscription(this, opened, subscriberId, 'batch', () => {
			active.schedule?.cancel();
			releaser.stop();
		});
		const releaser = new BatchReleaser(
			{
				buffer: session.client.stores.buffer,
				endpoint: ref,
				subscriberId,
				maxEvents,
				maxBytes,
				bisect,
				maxAttempts: common.maxAttempts,
				emitWhenEmpty,
				releaseWhenWaiting,
				leaseOwner: randomUUID(),
				reclaimAfterMs: common.reclaimAfterMs,
				filter,
				logger,
			},
			emittingRunner(this, items, common.runTimeoutMs, () => watch.takeGap()),
		);
		try {
			// Registers the cursor; an existing subscriber keeps its place, a dropped one resumes where it stopped (a gap is told).
			await session.client.stores.buffer.subscribe(
				ref,
				subscriberId,
				common.startFrom,
				subscriberMeta(this),
			);
		} catch (error) {
			watch.stop();
			await session.close();
			throw toNodeError(node, error, 'activate the Webhook Batch Trigger', {
				endpointId: endpoint.id,
				redis: session.redis,
			});
		}
		const started = startSchedule(cron.value, timezone, () => releaser.tick('schedule'));
		if (!started.ok) {
			watch.stop();
			await session.close();
			throw new NodeOperationError(node, `Invalid release schedule: ${started.error}`);
		}
		active.schedule = started.value;
		releaser.start();
		logger.info(`Webhook Batch Trigger listening on ${endpoint.url}`, {
			endpoint: endpoint.id,
			subscriber: subscriberId,
			schedule: cron.value,
			timezone,
			nextRelease: started.value.next()?.toISOString(),
			...reclaimLogFields(common),
		});

		let closed = false;
		const closeFunction = async () => {
			if (closed) return;
			closed = true;
			try {
				watch.stop();
				active.schedule?.cancel();
				releaser.stop();
				await session.releaseGateway();
				// A running release keeps the shared client until it has acknowledged its batch.
				void releaser.whenIdle().then(() => session.close());
				logger.info(
					'Webhook Batch Trigger stopped; its events stay buffered until it is active again',
					{ endpoint: endpoint.id, subscriber: subscriberId },
				);
			} catch (error) {
				logger.warn('Webhook Batch Trigger: error while closing', {
					endpoint: endpoint.id,
					error: messageOf(error),
				});
			}
		};
		return { closeFunction };
	}
}
