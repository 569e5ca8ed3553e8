// test/e2e/raw-trigger.test.ts in n8n 1.x (see n8n1.ts); the import order matters.
import './n8n1';
import '../raw-trigger.test';
