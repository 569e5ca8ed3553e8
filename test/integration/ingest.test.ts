import { startRedis } from '../harness/redis';
import { ingestSuite } from './ingest.suite';

ingestSuite('standalone Redis', async () => {
	const redis = await startRedis();
	return { target: { url: redis.url }, stop: () => redis.stop() };
});
