// test/e2e/icons.test.ts in n8n 1.x (see n8n1.ts); the import order matters.
import './n8n1';
import '../icons.test';
