/** The shared parameter reader of the trigger nodes: defaults, bounds from the descriptions, clear errors. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NodeOperationError, type INode } from 'n8n-workflow';

import { batchTriggerProperties } from '../../nodes/WebhookBatchTrigger/description';
import { rawTriggerProperties } from '../../nodes/WebhookRawTrigger/description';
import { readCommonOptions } from '../../nodes/shared/options';
import {
	checkBoolean,
	checkNumber,
	checkOption,
	ParameterReader,
} from '../../nodes/shared/parameters';

const node: INode = {
	id: 'n1',
	name: 'Webhook Batch Trigger',
	type: 'test.batch',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A reader over parameters as n8n hands them to `getNodeParameter` (unset ones absent). */
function reader(
	parameters: Record<string, unknown>,
	properties = batchTriggerProperties,
): ParameterReader {
	return new ParameterReader(
		{
			getNode: () => node,
			getNodeParameter: (name, fallback) => (name in parameters ? parameters[name] : fallback),
		},
		properties,
	);
}

/** Asserts a NodeOperationError whose message matches and whose description says where to fix it. */
function refuses(read: () => unknown, message: RegExp, under?: string): void {
	assert.throws(read, (error: unknown) => {
		assert.ok(
			error instanceof NodeOperationError,
			`expected NodeOperationError, got ${String(error)}`,
		);
		assert.match(error.message, message);
		if (under) assert.match(error.description ?? '', new RegExp(`under “${under}”`));
		return true;
	});
}

describe('checkNumber / checkBoolean / checkOption', () => {
	it('takes the default when unset, numbers and numeric text within the bounds', () => {
		const spec = { displayName: 'Max Attempts', min: 1, max: 100 };
		assert.deepEqual(checkNumber(undefined, spec, 3), { ok: true, value: 3 });
		assert.deepEqual(checkNumber('', spec, 3), { ok: true, value: 3 });
		assert.deepEqual(checkNumber(null, spec, undefined), { ok: true, value: undefined });
		assert.deepEqual(checkNumber(' 7 ', spec, 3), { ok: true, value: 7 });
		assert.deepEqual(checkNumber(2.9, { ...spec, fractions: 'floor' }, 3), { ok: true, value: 2 });
		assert.deepEqual(checkNumber(0.5, { displayName: 'Minutes', min: 0, fractions: 'keep' }, 1), {
			ok: true,
			value: 0.5,
		});
	});

	it('names the field, the valid range and the value it got', () => {
		const spec = { displayName: 'Max Attempts', min: 1, max: 100 };
		assert.deepEqual(checkNumber(0, spec, 3), {
			ok: false,
			error: 'Max Attempts must be a whole number from 1 to 100 (got 0)',
		});
		assert.deepEqual(checkNumber('lots', spec, 3), {
			ok: false,
			error: 'Max Attempts must be a whole number from 1 to 100 (got "lots")',
		});
		assert.deepEqual(checkNumber(true, spec, 3), {
			ok: false,
			error: 'Max Attempts must be a whole number from 1 to 100 (got true)',
		});
		assert.deepEqual(checkNumber(1.5, spec, 3), {
			ok: false,
			error: 'Max Attempts must be a whole number from 1 to 100 (got 1.5)',
		});
		assert.match(
			(checkNumber(-1, { displayName: 'Wait', min: 0, fractions: 'keep' }, 0) as { error: string })
				.error,
			/Wait must be a number of at least 0/,
		);
		assert.deepEqual(checkBoolean('yes', 'Split Failed Batches', false), {
			ok: false,
			error: 'Split Failed Batches must be true or false (got "yes")',
		});
		assert.deepEqual(checkOption('newest', 'Start From', ['new', 'oldest'], 'new'), {
			ok: false,
			error: 'Start From must be one of "new", "oldest" (got "newest")',
		});
	});
});

describe('ParameterReader', () => {
	it('reads defaults, bounds and choices from the node description', () => {
		const p = reader({});
		assert.equal(p.number('options.maxEventsPerExecution'), 1000);
		assert.equal(p.number('options.maxMegabytesPerExecution'), 16);
		assert.equal(p.boolean('options.bisectFailedBatches'), false);
		assert.equal(p.option('output'), 'perEvent');
		assert.equal(p.option('schedule'), 'everyHour');
		assert.equal(reader({}, rawTriggerProperties).number('options.maxConcurrency'), 5);
		assert.deepEqual(readCommonOptions(p), {
			includeRawBody: false,
			maxAttempts: 3,
			startFrom: 'new',
			reclaimAfterMs: readCommonOptions(p).reclaimAfterMs,
			runTimeoutMs: 60 * 60_000,
		});
	});

	it('reads set values, rounding counts down as the triggers always did', () => {
		const p = reader({
			output: 'allInOne',
			options: {
				maxEventsPerExecution: 250.7,
				releaseEmptyBatches: true,
				startFrom: 'oldest',
				unfinishedRunTimeout: 1.5,
			},
		});
		assert.equal(p.number('options.maxEventsPerExecution'), 250);
		assert.equal(p.boolean('options.releaseEmptyBatches'), true);
		assert.equal(p.option('output'), 'allInOne');
		const common = readCommonOptions(p);
		assert.equal(common.startFrom, 'oldest');
		assert.equal(common.runTimeoutMs, 90_000);
	});

	it('refuses a bad value with the display name and where to change it', () => {
		refuses(
			() =>
				reader({ options: { maxEventsPerExecution: 0 } }).number('options.maxEventsPerExecution'),
			/^Max Events Per Execution must be a whole number from 1 to 100000 \(got 0\)$/,
			'Options',
		);
		refuses(
			() => reader({ options: { maxAttempts: 'three' } }).number('options.maxAttempts'),
			/^Max Attempts must be a whole number from 1 to 100 \(got "three"\)$/,
			'Options',
		);
		refuses(
			() =>
				reader({ options: { maxConcurrency: 5000 } }, rawTriggerProperties).number(
					'options.maxConcurrency',
				),
			/^Max Concurrent Executions must be a whole number from 1 to 1000/,
		);
		refuses(
			() => reader({ options: { releaseWhenWaiting: -3 } }).number('options.releaseWhenWaiting'),
			/^Release When N Events Are Waiting must be a whole number of at least 0/,
		);
		refuses(
			() =>
				reader({ options: { bisectFailedBatches: 'true' } }).boolean('options.bisectFailedBatches'),
			/^Split Failed Batches must be true or false/,
		);
		refuses(
			() => reader({ output: 'everything' }).option('output'),
			/^Output must be one of "perEvent", "allInOne" \(got "everything"\)$/,
		);
		refuses(
			() => readCommonOptions(reader({ options: { unfinishedRunTimeout: 0 } })),
			/^Unfinished Run Timeout \(Minutes\) must be a number of at least 1 \(got 0\)$/,
		);
		refuses(
			() => reader({ options: 'all of them' }).number('options.maxAttempts'),
			/^Options must be a collection of options/,
		);
	});

	it('a path the description does not have is a programming error, not a user error', () => {
		assert.throws(
			() => reader({}).number('options.noSuchOption'),
			(error: unknown) =>
				!(error instanceof NodeOperationError) &&
				/no parameter 'options.noSuchOption'/.test(String(error)),
		);
	});
});
