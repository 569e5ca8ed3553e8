/**
 * "Send a test event": the gateway signs the JSON body with the endpoint's current secret and
 * sends it to its own URL, so it meets every check, counts and is buffered like a real request.
 */
import { useState } from 'preact/hooks';
import { api, errorText } from '../api';
import { pretty } from '../format';
import type { TestEventAnswer } from '../types';

const SAMPLE = JSON.stringify(
	{ action: 'test', message: 'Hello from the Webhook Gateway console' },
	null,
	2,
);

export function TestEvent({ endpointId, onSent }: { endpointId: string; onSent(): void }) {
	const [body, setBody] = useState(SAMPLE);
	const [answer, setAnswer] = useState<TestEventAnswer>();
	const [error, setError] = useState<string>();
	const [busy, setBusy] = useState(false);
	const [answers, setAnswers] = useState(0);

	const send = async (event: Event) => {
		event.preventDefault();
		setError(undefined);
		let parsed: unknown;
		try {
			parsed = JSON.parse(body);
		} catch (caught) {
			setError(`The body is not valid JSON: ${errorText(caught)}`);
			return;
		}
		setBusy(true);
		try {
			setAnswer(await api.sendTestEvent(endpointId, parsed));
			setAnswers((n) => n + 1);
			onSent();
		} catch (caught) {
			setAnswer(undefined);
			setError(errorText(caught));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section aria-labelledby="test-event-title">
			<h2 id="test-event-title">Send a test event</h2>
			<p class="hint">
				Signed on the server with the endpoint&apos;s current secret and sent to its URL: it is
				authenticated, limited, counted and buffered like a real request.
			</p>
			<form onSubmit={(e) => void send(e)}>
				<p class="field">
					<label for="test-event-body">Test event body (JSON)</label>
					<textarea
						id="test-event-body"
						rows={5}
						spellcheck={false}
						value={body}
						onInput={(e) => setBody(e.currentTarget.value)}
					/>
				</p>
				<button type="submit" disabled={busy}>
					Send test event
				</button>
			</form>
			<div
				role="status"
				aria-label="Test event answer"
				class="answer"
				aria-busy={busy}
				data-answers={answers}
			>
				{answer && (
					<>
						<p class={answer.status < 300 ? 'ok' : 'error'}>HTTP {answer.status}</p>
						<pre>{pretty(answer.body)}</pre>
					</>
				)}
			</div>
			{error && (
				<p role="alert" class="error">
					{error}
				</p>
			)}
		</section>
	);
}
