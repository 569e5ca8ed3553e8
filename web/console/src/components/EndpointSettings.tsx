/**
 * Changing an endpoint: its authentication, its account's plan, a new secret, enabled or not,
 * and deleting it. New secrets go up to the page, which shows them once.
 */
import { useState } from 'preact/hooks';
import { api, ApiError, errorText } from '../api';
import { limitText } from '../format';
import type { EndpointView, Plan } from '../types';
import { AcceptResponseForm } from './AcceptResponseForm';
import { AuthFields, authInput, authState, authSummary } from './AuthFields';
import { EndpointLimitsForm } from './EndpointLimitsForm';

interface Props {
	endpoint: EndpointView;
	plan: Plan;
	plans: Plan[];
	onChanged(): void;
	onSecret(title: string, secret: string): void;
}

const GRACE_CHOICES = [
	{ seconds: 86_400, label: '24 hours' },
	{ seconds: 3600, label: '1 hour' },
	{ seconds: 0, label: 'Not at all (cut it now)' },
];

function planText(p: Plan): string {
	return `${p.name} (${p.rate === null ? 'no rate limit' : `${p.rate}/s`}, burst ${limitText(p.burst)}, ${limitText(p.daily)} a day)`;
}

export function EndpointSettings({ endpoint, plan, plans, onChanged, onSecret }: Props) {
	const [auth, setAuth] = useState(authState(endpoint.auth));
	const [planId, setPlanId] = useState(plan.id);
	const [grace, setGrace] = useState(86_400);
	const [confirmDelete, setConfirmDelete] = useState(false);
	/** The last delete was refused because triggers read the endpoint. */
	const [inUse, setInUse] = useState(false);
	const [message, setMessage] = useState<string>();
	const [error, setError] = useState<string>();

	const act = async (action: () => Promise<string | undefined>) => {
		setError(undefined);
		setMessage(undefined);
		try {
			const done = await action();
			if (done) setMessage(done);
			onChanged();
		} catch (caught) {
			setError(errorText(caught));
		}
	};

	const saveAuth = () =>
		act(async () => {
			const { secret } = await api.updateEndpoint(endpoint.id, { auth: authInput(auth) });
			if (secret) onSecret('Secret for the new authentication', secret);
			return 'Authentication saved.';
		});
	const rotate = () =>
		act(async () => {
			const { secret, previousValidUntil } = await api.rotateSecret(endpoint.id, grace);
			// An Asana endpoint is re-armed instead: its new secret comes with Asana's next handshake.
			if (!secret)
				return 'Waiting for the provider’s next handshake (X-Hook-Secret): create the webhook again now.';
			onSecret('New secret after rotation', secret);
			return previousValidUntil
				? `Secret rotated; the previous one works until ${new Date(previousValidUntil).toLocaleString()}.`
				: 'Secret rotated; the previous one no longer works.';
		});
	const changePlan = () =>
		act(async () => {
			await api.setAccountPlan(endpoint.accountId, planId);
			return `Account ${endpoint.accountId} now uses plan ${planId}.`;
		});
	const toggle = () =>
		act(async () => {
			await api.updateEndpoint(endpoint.id, { enabled: !endpoint.enabled });
			return endpoint.enabled
				? 'Endpoint disabled: senders get 403 endpoint_disabled.'
				: 'Endpoint enabled.';
		});
	const remove = async (force: boolean) => {
		setError(undefined);
		try {
			await api.deleteEndpoint(endpoint.id, force);
			// No reload here: the endpoint is gone; back to the list.
			location.hash = '#/';
		} catch (caught) {
			// 409: triggers still read it; the message names them, and deleting anyway needs force.
			if (caught instanceof ApiError && caught.status === 409) setInUse(true);
			setError(errorText(caught));
		}
	};

	return (
		<>
			<section aria-labelledby="auth-title">
				<h2 id="auth-title">Authentication</h2>
				<p>
					Now: <strong>{authSummary(endpoint.auth)}</strong>
					{endpoint.auth.type !== 'none' && ` · ${endpoint.secretCount} valid secret(s)`}
				</p>
				<form
					onSubmit={(e) => {
						e.preventDefault();
						void saveAuth();
					}}
				>
					<AuthFields
						idPrefix="edit"
						legend="Change the authentication"
						value={auth}
						onChange={setAuth}
					/>
					<button type="submit">Save authentication</button>
				</form>
				{endpoint.auth.type !== 'none' && (
					<form
						class="inline"
						onSubmit={(e) => {
							e.preventDefault();
							void rotate();
						}}
					>
						<p class="field">
							<label for="grace">Keep the previous secret valid for</label>
							<select
								id="grace"
								value={String(grace)}
								onChange={(e) => setGrace(Number(e.currentTarget.value))}
							>
								{GRACE_CHOICES.map((g) => (
									<option key={g.seconds} value={String(g.seconds)}>
										{g.label}
									</option>
								))}
							</select>
						</p>
						<button type="submit">Rotate secret</button>
					</form>
				)}
			</section>

			<section aria-labelledby="plan-title">
				<h2 id="plan-title">Account and plan</h2>
				<p>
					Account <strong>{endpoint.accountId}</strong> uses <strong>{planText(plan)}</strong>.
					Limits count across all of the account&apos;s endpoints.
				</p>
				<form
					class="inline"
					onSubmit={(e) => {
						e.preventDefault();
						void changePlan();
					}}
				>
					<p class="field">
						<label for="plan">Plan of account {endpoint.accountId}</label>
						<select id="plan" value={planId} onChange={(e) => setPlanId(e.currentTarget.value)}>
							{plans.map((p) => (
								<option key={p.id} value={p.id}>
									{planText(p)}
								</option>
							))}
						</select>
					</p>
					<button type="submit">Change plan</button>
				</form>
			</section>

			<EndpointLimitsForm endpoint={endpoint} plan={plan} onChanged={onChanged} />
			<AcceptResponseForm endpoint={endpoint} onChanged={onChanged} />

			<section aria-labelledby="state-title">
				<h2 id="state-title">Disable or delete</h2>
				<p>
					<button type="button" onClick={() => void toggle()}>
						{endpoint.enabled ? 'Disable endpoint' : 'Enable endpoint'}
					</button>{' '}
					{!confirmDelete && (
						<button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
							Delete endpoint
						</button>
					)}
				</p>
				{confirmDelete && (
					<div role="group" aria-label="Confirm deletion" class="confirm">
						<p>
							Delete {endpoint.id} with its buffered events and dead letters? Senders will get 404.
							This cannot be undone.
						</p>
						<button type="button" class="danger" onClick={() => void remove(false)}>
							Delete permanently
						</button>{' '}
						{inUse && (
							<>
								<button type="button" class="danger" onClick={() => void remove(true)}>
									Delete anyway and stop those triggers
								</button>{' '}
							</>
						)}
						<button type="button" onClick={() => setConfirmDelete(false)}>
							Keep it
						</button>
					</div>
				)}
			</section>
			{message && <p role="status">{message}</p>}
			{error && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
		</>
	);
}
