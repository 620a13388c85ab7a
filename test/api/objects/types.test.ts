/**
 * Every type name mediasoup 3.19 exports for these objects is exported by
 * broth under the same name (`mediasoup.types.X`): this file only has to
 * compile. The runtime check covers the classes behind Producer & co.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { types } from '../../../src';
import { Producer } from '../../../src/api/Producer';
import { Consumer } from '../../../src/api/Consumer';
import { DataProducer } from '../../../src/api/DataProducer';
import { DataConsumer } from '../../../src/api/DataConsumer';
import { RtpObserver } from '../../../src/api/RtpObserver';
import { AudioLevelObserver } from '../../../src/api/AudioLevelObserver';
import { ActiveSpeakerObserver } from '../../../src/api/ActiveSpeakerObserver';

type _ProducerOptions = types.ProducerOptions;
type _ProducerType = types.ProducerType;
type _ProducerScore = types.ProducerScore;
type _ProducerVideoOrientation = types.ProducerVideoOrientation;
type _ProducerDump = types.ProducerDump;
type _ProducerStat = types.ProducerStat;
type _ProducerTraceEventType = types.ProducerTraceEventType;
type _ProducerTraceEventData = types.ProducerTraceEventData;
type _ProducerEvents = types.ProducerEvents;
type _ProducerObserver = types.ProducerObserver;
type _ProducerObserverEvents = types.ProducerObserverEvents;
type _Producer = types.Producer;
type _ConsumerOptions = types.ConsumerOptions;
type _ConsumerType = types.ConsumerType;
type _ConsumerScore = types.ConsumerScore;
type _ConsumerLayers = types.ConsumerLayers;
type _ConsumerDump = types.ConsumerDump;
type _SimpleConsumerDump = types.SimpleConsumerDump;
type _SimulcastConsumerDump = types.SimulcastConsumerDump;
type _SvcConsumerDump = types.SvcConsumerDump;
type _PipeConsumerDump = types.PipeConsumerDump;
type _BaseConsumerDump = types.BaseConsumerDump;
type _RtpStreamDump = types.RtpStreamDump;
type _RtpStreamParametersDump = types.RtpStreamParametersDump;
type _RtxStreamDump = types.RtxStreamDump;
type _RtxStreamParameters = types.RtxStreamParameters;
type _ConsumerStat = types.ConsumerStat;
type _ConsumerTraceEventType = types.ConsumerTraceEventType;
type _ConsumerTraceEventData = types.ConsumerTraceEventData;
type _ConsumerEvents = types.ConsumerEvents;
type _ConsumerObserver = types.ConsumerObserver;
type _ConsumerObserverEvents = types.ConsumerObserverEvents;
type _Consumer = types.Consumer;
type _DataProducerOptions = types.DataProducerOptions;
type _DataProducerType = types.DataProducerType;
type _DataProducerDump = types.DataProducerDump;
type _DataProducerStat = types.DataProducerStat;
type _DataProducerEvents = types.DataProducerEvents;
type _DataProducerObserver = types.DataProducerObserver;
type _DataProducerObserverEvents = types.DataProducerObserverEvents;
type _DataProducer = types.DataProducer;
type _DataConsumerOptions = types.DataConsumerOptions;
type _DataConsumerType = types.DataConsumerType;
type _DataConsumerDump = types.DataConsumerDump;
type _DataConsumerStat = types.DataConsumerStat;
type _DataConsumerEvents = types.DataConsumerEvents;
type _DataConsumerObserver = types.DataConsumerObserver;
type _DataConsumerObserverEvents = types.DataConsumerObserverEvents;
type _DataConsumer = types.DataConsumer;
type _RtpObserverType = types.RtpObserverType;
type _RtpObserverEvents = types.RtpObserverEvents;
type _RtpObserverObserver = types.RtpObserverObserver;
type _RtpObserverObserverEvents = types.RtpObserverObserverEvents;
type _RtpObserver = types.RtpObserver;
type _AudioLevelObserverOptions = types.AudioLevelObserverOptions;
type _AudioLevelObserverVolume = types.AudioLevelObserverVolume;
type _AudioLevelObserverEvents = types.AudioLevelObserverEvents;
type _AudioLevelObserverObserver = types.AudioLevelObserverObserver;
type _AudioLevelObserverObserverEvents = types.AudioLevelObserverObserverEvents;
type _AudioLevelObserver = types.AudioLevelObserver;
type _ActiveSpeakerObserverOptions = types.ActiveSpeakerObserverOptions;
type _ActiveSpeakerObserverDominantSpeaker = types.ActiveSpeakerObserverDominantSpeaker;
type _ActiveSpeakerObserverEvents = types.ActiveSpeakerObserverEvents;
type _ActiveSpeakerObserverObserver = types.ActiveSpeakerObserverObserver;
type _ActiveSpeakerObserverObserverEvents = types.ActiveSpeakerObserverObserverEvents;
type _ActiveSpeakerObserver = types.ActiveSpeakerObserver;

export type AllObjectTypes = _ProducerOptions | _ProducerType | _ProducerScore | _ProducerVideoOrientation | _ProducerDump | _ProducerStat | _ProducerTraceEventType | _ProducerTraceEventData | _ProducerEvents | _ProducerObserver | _ProducerObserverEvents | _Producer | _ConsumerOptions | _ConsumerType | _ConsumerScore | _ConsumerLayers | _ConsumerDump | _SimpleConsumerDump | _SimulcastConsumerDump | _SvcConsumerDump | _PipeConsumerDump | _BaseConsumerDump | _RtpStreamDump | _RtpStreamParametersDump | _RtxStreamDump | _RtxStreamParameters | _ConsumerStat | _ConsumerTraceEventType | _ConsumerTraceEventData | _ConsumerEvents | _ConsumerObserver | _ConsumerObserverEvents | _Consumer | _DataProducerOptions | _DataProducerType | _DataProducerDump | _DataProducerStat | _DataProducerEvents | _DataProducerObserver | _DataProducerObserverEvents | _DataProducer | _DataConsumerOptions | _DataConsumerType | _DataConsumerDump | _DataConsumerStat | _DataConsumerEvents | _DataConsumerObserver | _DataConsumerObserverEvents | _DataConsumer | _RtpObserverType | _RtpObserverEvents | _RtpObserverObserver | _RtpObserverObserverEvents | _RtpObserver | _AudioLevelObserverOptions | _AudioLevelObserverVolume | _AudioLevelObserverEvents | _AudioLevelObserverObserver | _AudioLevelObserverObserverEvents | _AudioLevelObserver | _ActiveSpeakerObserverOptions | _ActiveSpeakerObserverDominantSpeaker | _ActiveSpeakerObserverEvents | _ActiveSpeakerObserverObserver | _ActiveSpeakerObserverObserverEvents | _ActiveSpeakerObserver;

test('object classes: observers are RtpObservers, the rest are event emitters', () => {
	assert.ok(AudioLevelObserver.prototype instanceof RtpObserver);
	assert.ok(ActiveSpeakerObserver.prototype instanceof RtpObserver);
	for (const cls of [Producer, Consumer, DataProducer, DataConsumer, RtpObserver]) {
		assert.equal(typeof cls.prototype.on, 'function');
		assert.equal(typeof cls.prototype.safeEmit, 'function');
	}
});
