import { startRedis } from '../harness/redis';
import { bufferSuite } from './buffer.suite';

bufferSuite('standalone Redis', async () => {
	const redis = await startRedis();
	return { target: { url: redis.url }, stop: () => redis.stop() };
});
