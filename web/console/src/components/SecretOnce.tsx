/** A secret the gateway shows once (create, rotate, switching to an auth that needs one). */
import { CopyButton } from './CopyButton';

export function SecretOnce({
	secret,
	title,
	onDismiss,
}: {
	secret: string;
	title: string;
	onDismiss(): void;
}) {
	return (
		<section class="secret-once" aria-label={title}>
			<h3>{title}</h3>
			<p>
				Shown only this once: copy it into the sender&apos;s webhook settings now. The gateway never
				shows it again (rotate it if it is lost).
			</p>
			<p class="secret-line">
				<code aria-label="Secret value">{secret}</code>{' '}
				<CopyButton text={secret} label="Copy secret" />
			</p>
			<button type="button" onClick={onDismiss}>
				I have copied it
			</button>
		</section>
	);
}
