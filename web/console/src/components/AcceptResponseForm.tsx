/**
 * The endpoint's answer to accepted requests: the default 202 JSON, or a custom 2xx status, body
 * and content type for senders that insist on `200` or a fixed body (docs/custom-responses.md).
 */
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import type { EndpointView } from '../types';

interface Props {
	endpoint: EndpointView;
	onChanged(): void;
}

export function AcceptResponseForm({ endpoint, onChanged }: Props) {
	const current = endpoint.acceptResponse ?? null;
	const [custom, setCustom] = useState(current !== null);
	const [status, setStatus] = useState(String(current?.status ?? 200));
	const [contentType, setContentType] = useState(
		current?.contentType ?? 'text/plain; charset=utf-8',
	);
	const [body, setBody] = useState(current?.body ?? '');
	const [message, setMessage] = useState<string>();
	const [error, setError] = useState<string>();

	const save = async () => {
		setError(undefined);
		setMessage(undefined);
		try {
			const acceptResponse = custom ? { status: Number(status), contentType, body } : null;
			await api.updateEndpoint(endpoint.id, { acceptResponse });
			setMessage(
				custom
					? `Accepted requests are answered ${status} with your body.`
					: 'Accepted requests are answered 202 with the default JSON.',
			);
			onChanged();
		} catch (caught) {
			setError(errorText(caught));
		}
	};

	return (
		<section aria-labelledby="answer-title">
			<h2 id="answer-title">Answer to senders</h2>
			<p>
				Now:{' '}
				<strong>
					{current
						? `${current.status} ${current.contentType}`
						: '202 {"status":"accepted","eventId":…}'}
				</strong>
				. Rejections and handshakes keep their answers.
			</p>
			<form
				onSubmit={(e) => {
					e.preventDefault();
					void save();
				}}
			>
				<p class="field">
					<label>
						<input
							type="checkbox"
							id="answer-custom"
							checked={custom}
							onChange={(e) => setCustom(e.currentTarget.checked)}
						/>{' '}
						Custom answer (for senders that insist on 200 or a fixed body)
					</label>
				</p>
				{custom && (
					<>
						<p class="field">
							<label for="answer-status">Status (2xx)</label>
							<input
								id="answer-status"
								type="number"
								min={200}
								max={299}
								value={status}
								onInput={(e) => setStatus(e.currentTarget.value)}
							/>
						</p>
						<p class="field">
							<label for="answer-type">Content type</label>
							<input
								id="answer-type"
								value={contentType}
								onInput={(e) => setContentType(e.currentTarget.value)}
							/>
						</p>
						<p class="field">
							<label for="answer-body">Body (at most 4 KiB)</label>
							<textarea
								id="answer-body"
								rows={3}
								value={body}
								onInput={(e) => setBody(e.currentTarget.value)}
							/>
						</p>
					</>
				)}
				<button type="submit">Save answer</button>
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
