/**
 * The endpoint's own limits inside its account's plan (rate, burst, daily; empty = none), so one
 * open or busy endpoint cannot spend the whole account's budget. The gateway refuses values above
 * the plan and names the field.
 */
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { limitText } from '../format';
import type { EndpointView, Plan } from '../types';

type Field = 'rate' | 'burst' | 'daily';

const FIELDS: { key: Field; label: string }[] = [
	{ key: 'rate', label: 'Rate (requests per second)' },
	{ key: 'burst', label: 'Burst (requests at one instant)' },
	{ key: 'daily', label: 'Daily (accepted per UTC day)' },
];

function text(value: number | null | undefined): string {
	return value === null || value === undefined ? '' : String(value);
}

export function EndpointLimitsForm({
	endpoint,
	plan,
	onChanged,
}: {
	endpoint: EndpointView;
	plan: Plan;
	onChanged(): void;
}) {
	const [values, setValues] = useState<Record<Field, string>>({
		rate: text(endpoint.limits?.rate),
		burst: text(endpoint.limits?.burst),
		daily: text(endpoint.limits?.daily),
	});
	const [message, setMessage] = useState<string>();
	const [error, setError] = useState<string>();

	const save = async () => {
		setError(undefined);
		setMessage(undefined);
		const limits = Object.fromEntries(
			FIELDS.map(({ key }) => [key, values[key].trim() === '' ? null : Number(values[key])]),
		);
		try {
			await api.updateEndpoint(endpoint.id, { limits });
			setMessage('Endpoint limits saved.');
			onChanged();
		} catch (caught) {
			setError(errorText(caught));
		}
	};

	return (
		<section aria-labelledby="limits-title">
			<h2 id="limits-title">Endpoint limits</h2>
			<p>
				Limits of this endpoint alone, inside the plan (rate {limitText(plan.rate)}/s, burst{' '}
				{limitText(plan.burst)}, {limitText(plan.daily)} a day). Both apply: a request this
				endpoint&apos;s limit refuses (429 endpoint_rate_limited or endpoint_daily_limit_exceeded)
				spends nothing of the account&apos;s. Empty: no limit of its own.
			</p>
			<form
				class="inline"
				onSubmit={(e) => {
					e.preventDefault();
					void save();
				}}
			>
				{FIELDS.map(({ key, label }) => (
					<p class="field" key={key}>
						<label for={`limit-${key}`}>{label}</label>
						<input
							id={`limit-${key}`}
							type="number"
							min="0"
							step={key === 'rate' ? 'any' : '1'}
							value={values[key]}
							onInput={(e) => setValues({ ...values, [key]: e.currentTarget.value })}
						/>
					</p>
				))}
				<button type="submit">Save endpoint limits</button>
			</form>
			{message && <p role="status">{message}</p>}
			{error && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
		</section>
	);
}
