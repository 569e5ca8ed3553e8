/**
 * The admin API's shapes (src/management/schemas): the route checks derived from them answer with
 * the messages the admin API always gave (each names the field), and every field of every
 * component the OpenAPI document gets from them says what it holds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/errors';
import {
	componentSchemas,
	DeleteDeadLettersRequest,
	EndpointCreate,
	EndpointUpdate,
	parseInput,
	PlanInput,
	ReplayRequest,
	RotateSecretRequest,
	SetAccountPlanRequest,
	TestEventRequest,
} from '../../src/management/schemas';

function refused(schema: Parameters<typeof parseInput>[0], value: unknown): string {
	try {
		parseInput(schema, value);
	} catch (error) {
		assert.ok(error instanceof ValidationError, String(error));
		assert.equal(error.status, 400);
		assert.equal(error.code, 'invalid_request');
		return error.message;
	}
	assert.fail(`${JSON.stringify(value)} was accepted`);
}

describe('admin API shapes: route checks', () => {
	it('an unknown field is named first, with the fields the body may carry', () => {
		const message = refused(EndpointCreate, { nmae: 'typo', name: 3 });
		assert.match(
			message,
			/^'nmae' is not a known field; expected id, name, description, accountId, auth, secret, /,
		);
		assert.match(
			refused(PlanInput, { rate: 1, extra: true }),
			/^'extra' is not a known field; expected id, name, rate, burst, daily$/,
		);
		assert.match(
			refused(EndpointUpdate, JSON.parse('{"__proto__": {"x": 1}}')),
			/'__proto__' is not a known field/,
		);
	});

	it('a wrong type answers the message that names the field', () => {
		const cases: [Parameters<typeof parseInput>[0], unknown, string][] = [
			[EndpointCreate, { name: 3 }, 'name must be a string'],
			[EndpointCreate, { id: 5 }, 'id must be a string'],
			[EndpointCreate, { createdBy: false }, 'createdBy must be a string'],
			[EndpointUpdate, { enabled: 'no' }, 'enabled must be true or false'],
			[EndpointUpdate, { accountId: 7 }, 'accountId must be a string'],
			[RotateSecretRequest, { graceSeconds: '60' }, 'graceSeconds must be a number of seconds'],
			[RotateSecretRequest, { secret: 12345678 }, 'secret must be a string'],
			[ReplayRequest, { ids: [1] }, 'ids must be an array of strings'],
			[ReplayRequest, { ids: 'x' }, 'ids must be an array of strings'],
			[DeleteDeadLettersRequest, {}, 'ids must be an array of strings'],
			[DeleteDeadLettersRequest, { ids: [] }, 'ids must name at least one dead letter'],
			[TestEventRequest, { body: 'text' }, 'body must be a JSON object or array'],
			[SetAccountPlanRequest, {}, 'planId is required: the id of the plan for this account'],
			[
				SetAccountPlanRequest,
				{ planId: '' },
				'planId is required: the id of the plan for this account',
			],
			[SetAccountPlanRequest, { planId: 1 }, 'planId must be a string'],
		];
		for (const [schema, value, message] of cases)
			assert.equal(refused(schema, value), message, JSON.stringify(value));
	});

	it('null text fields mean "not given"; value rules are left to the service', () => {
		assert.deepEqual(parseInput(EndpointUpdate, { name: null, secret: null, description: 'd' }), {
			name: undefined,
			secret: undefined,
			description: 'd',
		});
		const passed = {
			auth: { type: 'hmac' },
			limits: { rate: -1 },
			methods: ['FOO'],
			bufferCapacity: 'lots',
		};
		assert.deepEqual(
			parseInput(EndpointCreate, passed),
			passed,
			'the service checks these and names the field',
		);
	});
});

describe('admin API shapes: OpenAPI components', () => {
	it('every field of every component has a type, a reference or a choice of them', () => {
		/** Fields that hold any JSON on purpose. */
		const anyJson = new Set(['WebhookEvent.body', 'TestEventResult.body']);
		const schemas = componentSchemas();
		assert.ok(Object.keys(schemas).length >= 45, Object.keys(schemas).join(', '));
		for (const [name, schema] of Object.entries(schemas)) {
			for (const [field, property] of Object.entries<Record<string, unknown>>(
				(schema.properties ?? {}) as Record<string, Record<string, unknown>>,
			)) {
				if (anyJson.has(`${name}.${field}`)) continue;
				assert.ok(
					['type', '$ref', 'anyOf', 'oneOf', 'enum', 'const'].some((key) => key in property),
					`${name}.${field} says nothing of its values: ${JSON.stringify(property)}`,
				);
			}
		}
	});
});
