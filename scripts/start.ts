/**
 * The main job until the demo exists: start a worker and a router with the
 * usual conference codecs and print the router's RTP capabilities.
 */
import * as mediasoup from '../src';
import type { RouterRtpCodecCapability } from '../src/ortc/rtpParametersTypes';

const mediaCodecs: RouterRtpCodecCapability[] = [
	{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
	{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
	{ kind: 'video', mimeType: 'video/VP9', clockRate: 90000, parameters: { 'profile-id': 2 } },
	{
		kind: 'video',
		mimeType: 'video/H264',
		clockRate: 90000,
		parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
	},
];

async function main(): Promise<void> {
	const worker = await mediasoup.createWorker({ logLevel: 'warn' });

	worker.on('died', (error) => {
		console.error('worker died:', error);
		process.exit(1);
	});

	const router = await worker.createRouter({ mediaCodecs });

	console.log(`broth ${mediasoup.version}: worker pid ${worker.pid}, router ${router.id}`);
	console.log(JSON.stringify(router.rtpCapabilities, null, 2));
	worker.close();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
