import { startRedisCluster } from '../harness/redis';
import { ingestSuite } from './ingest.suite';

ingestSuite('3-master Redis Cluster', async () => {
	const cluster = await startRedisCluster();
	const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
	return {
		target: { url: `redis://${nodes[0]}`, clusterNodes: nodes },
		stop: () => cluster.stop(),
	};
});
