/**
 * A small mediasoup-style application. It is written exactly as it would be
 * for mediasoup 3.19 (only the import differs) and touches every object of
 * the API. `npm test` type-checks it against the packed broth package and
 * runs it.
 */
import * as mediasoup from 'broth';
import type { types } from 'broth';
import { enhancedOnce } from 'broth/extras';
import { canConsume } from 'broth/ortc';

const mediaCodecs: types.RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 1000 } },
];

const listenInfo: types.TransportListenInfo = { protocol: 'udp', ip: '127.0.0.1' };

async function run(): Promise<void> {
	mediasoup.observer.on('newworker', (worker: types.Worker) => console.log('new worker', worker.pid));
	mediasoup.setLogEventListeners({ onerror: (namespace, log) => console.error(namespace, log) });

	const worker: types.Worker<{ name: string }> = await mediasoup.createWorker<{ name: string }>({
		logLevel: 'warn',
		rtcMinPort: 40000,
		rtcMaxPort: 40999,
		appData: { name: 'w1' },
	});

	worker.on('died', (error: Error) => console.error('worker died', error));

	const usage: types.WorkerResourceUsage = await worker.getResourceUsage();
	const webRtcServer: types.WebRtcServer = await worker.createWebRtcServer({
		listenInfos: [
			{ protocol: 'udp', ip: '127.0.0.1', port: 0 },
			{ protocol: 'tcp', ip: '127.0.0.1', port: 0 },
		],
	});
	const router: types.Router = await worker.createRouter({ mediaCodecs });
	const router2: types.Router = await worker.createRouter({ mediaCodecs });

	// WebRTC transports, as a signaling server would hand them to mediasoup-client.
	const sendTransport: types.WebRtcTransport = await router.createWebRtcTransport({ webRtcServer });
	const recvTransport: types.WebRtcTransport = await router.createWebRtcTransport({
		listenInfos: [listenInfo],
		enableSctp: true,
	});
	const params = {
		id: recvTransport.id,
		iceParameters: recvTransport.iceParameters,
		iceCandidates: recvTransport.iceCandidates,
		dtlsParameters: recvTransport.dtlsParameters,
		sctpParameters: recvTransport.sctpParameters,
	};

	recvTransport.on('icestatechange', (state: types.IceState) => console.log('ice', state));
	recvTransport.on('dtlsstatechange', (state: types.DtlsState) => console.log('dtls', state));

	// A PlainTransport producer, as ffmpeg/GStreamer would send.
	const plain: types.PlainTransport = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: true });
	const audioProducer: types.Producer = await plain.produce({
		kind: 'audio',
		rtpParameters: {
			codecs: [{ mimeType: 'audio/opus', payloadType: 101, clockRate: 48000, channels: 2 }],
			encodings: [{ ssrc: 11111111 }],
		},
		appData: { source: 'mic' },
	});

	audioProducer.on('score', (score: types.ProducerScore[]) => console.log('score', score));
	await audioProducer.pause();
	await audioProducer.resume();

	const rtpCapabilities: types.RtpCapabilities = router.rtpCapabilities;

	if (router.canConsume({ producerId: audioProducer.id, rtpCapabilities })) {
		const consumer: types.Consumer = await recvTransport.consume({
			producerId: audioProducer.id,
			rtpCapabilities,
			paused: true,
		});

		consumer.on('producerpause', () => console.log('producer paused'));
		await consumer.resume();
		await consumer.setPriority(2);
		const stats: (types.RtpStreamSendStats | types.RtpStreamRecvStats)[] = await consumer.getStats();

		console.log('consumer stats entries', stats.length, canConsume(audioProducer.consumableRtpParameters, rtpCapabilities));
	}

	// Observers.
	const audioLevelObserver: types.AudioLevelObserver = await router.createAudioLevelObserver({ maxEntries: 1, threshold: -70, interval: 800 });
	const activeSpeakerObserver: types.ActiveSpeakerObserver = await router.createActiveSpeakerObserver();

	audioLevelObserver.on('volumes', (volumes: types.AudioLevelObserverVolume[]) => console.log(volumes[0].volume));
	activeSpeakerObserver.on('dominantspeaker', ({ producer }) => console.log('speaker', producer.id));
	await audioLevelObserver.addProducer({ producerId: audioProducer.id });
	await activeSpeakerObserver.addProducer({ producerId: audioProducer.id });

	// Direct transport: data in and out of the application.
	const direct: types.DirectTransport = await router.createDirectTransport();
	const dataProducer: types.DataProducer = await direct.produceData({ label: 'chat' });
	const dataConsumer: types.DataConsumer = await direct.consumeData({ dataProducerId: dataProducer.id });

	dataConsumer.on('message', (message: Buffer, ppid: number) => console.log('message', ppid, message.length));
	dataProducer.send('hello');

	// Pipe the producer to another router (as across workers or hosts). Both
	// routers live in one worker here, so the pipe producer needs its own id.
	const { pipeConsumer, pipeProducer }: types.PipeToRouterResult = await router.pipeToRouter({
		producerId: audioProducer.id,
		router: router2,
		keepId: false,
	});
	const pipe: types.PipeTransport = await router2.createPipeTransport({ listenInfo });

	console.log(
		'ready',
		JSON.stringify(params).length,
		usage.ru_utime,
		pipeConsumer?.id,
		pipeProducer?.id,
		pipe.tuple.localPort,
		(await router.dump()).transportIds.length,
	);

	worker.close();
	await enhancedOnce(worker, 'subprocessclose');
}

run().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
