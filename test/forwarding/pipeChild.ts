/**
 * The far end of the two-process pipe test (forked by pipe.test.ts): its own
 * worker and router, a PipeTransport joined to the parent's by IP and port
 * only, the pipe producer and a DirectTransport consumer whose packets it
 * counts. Talks to the parent over the fork IPC channel. Run alone (as the
 * test runner may do with every file under test/) it does nothing.
 */
import * as mediasoup from '../../src';
import { mediaCodecs, receiverCapabilities } from './helpers';

async function main(): Promise<void> {
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });
	const router = await worker.createRouter({ mediaCodecs });
	const pipe = await router.createPipeTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });
	const direct = await router.createDirectTransport();
	const events: string[] = [];
	let rtp = 0;
	let producer: Awaited<ReturnType<typeof pipe.produce>> | undefined;

	process.on('message', async (msg: any) => {
		try {
			switch (msg.type) {
				case 'connect': {
					await pipe.connect({ ip: '127.0.0.1', port: msg.port });
					producer = await pipe.produce({ id: msg.producerId, kind: msg.kind, rtpParameters: msg.rtpParameters });

					const consumer = await direct.consume({ producerId: producer.id, rtpCapabilities: receiverCapabilities });

					consumer.on('rtp', () => rtp++);
					consumer.on('producerpause', () => events.push('producerpause'));
					consumer.on('producerresume', () => events.push('producerresume'));
					consumer.on('producerclose', () => events.push('producerclose'));
					process.send!({ id: msg.id, type: 'connected' });
					break;
				}
				case 'pause':
					await producer!.pause();
					process.send!({ id: msg.id, type: 'done' });
					break;
				case 'resume':
					await producer!.resume();
					process.send!({ id: msg.id, type: 'done' });
					break;
				case 'close':
					producer!.close();
					process.send!({ id: msg.id, type: 'done' });
					break;
				case 'state':
					process.send!({ id: msg.id, type: 'state', rtp, events, stats: producer && !producer.closed ? await producer.getStats() : [] });
					break;
				case 'exit':
					worker.close();
					process.disconnect();
					break;
			}
		} catch (error) {
			process.send!({ id: msg.id, type: 'error', message: String(error) });
		}
	});
	process.send!({ type: 'ready', port: pipe.tuple.localPort });
}

if (process.send) {
	void main();
}
