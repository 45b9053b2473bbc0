// AudioWorklet processor: the microphone, mixed to mono, low-pass filtered and resampled
// to 16 kHz, as 16-bit PCM. Messages in: "start", "stop". Messages out:
//   {type: "pcm", samples: Int16Array}   while recording, about every 100 ms
//   {type: "stopped"}                    after "stop", once the last samples are posted
//   {type: "level", rms: number}         about 20 times a second, recording or not
"use strict";

const OUT_RATE = 16000;
const CHUNK = 1600; // 100 ms at 16 kHz

// RBJ cookbook low-pass biquad, transposed direct form II
class Biquad {
  constructor(fs, fc, q) {
    const w0 = (2 * Math.PI * fc) / fs;
    const cos = Math.cos(w0);
    const alpha = Math.sin(w0) / (2 * q);
    const a0 = 1 + alpha;
    this.b0 = (1 - cos) / 2 / a0;
    this.b1 = (1 - cos) / a0;
    this.b2 = (1 - cos) / 2 / a0;
    this.a1 = (-2 * cos) / a0;
    this.a2 = (1 - alpha) / a0;
    this.z1 = 0;
    this.z2 = 0;
  }
  run(x) {
    const y = this.b0 * x + this.z1;
    this.z1 = this.b1 * x - this.a1 * y + this.z2;
    this.z2 = this.b2 * x - this.a2 * y;
    return y;
  }
}

class Pcm16kRecorder extends AudioWorkletProcessor {
  constructor() {
    super();
    // sampleRate is the context's rate (a global of the worklet scope)
    this.step = sampleRate / OUT_RATE;
    // 4th-order Butterworth at 7 kHz against aliasing, when there is anything to remove
    this.filters = sampleRate > OUT_RATE * 1.05
      ? [new Biquad(sampleRate, 7000, 0.5412), new Biquad(sampleRate, 7000, 1.3066)]
      : [];
    this.recording = false;
    this.pos = 0; // where the next output sample falls, between the previous input (0) and the current one (1)
    this.prev = 0;
    this.out = new Int16Array(CHUNK);
    this.n = 0;
    this.sumSq = 0;
    this.count = 0;
    this.levelEvery = Math.round(sampleRate / 20);
    this.port.onmessage = (event) => {
      if (event.data === "start") {
        this.recording = true;
        this.n = 0;
      } else if (event.data === "stop") {
        this.flush();
        this.recording = false;
        this.port.postMessage({ type: "stopped" });
      }
    };
  }

  flush() {
    if (this.n > 0) {
      const samples = this.out.slice(0, this.n);
      this.port.postMessage({ type: "pcm", samples }, [samples.buffer]);
      this.n = 0;
    }
  }

  emit(y) {
    const v = Math.max(-1, Math.min(1, y));
    this.out[this.n++] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
    if (this.n === CHUNK) this.flush();
  }

  process(inputs) {
    const input = inputs[0];
    if (!input || input.length === 0 || !input[0]) return true;
    const channels = input.length;
    const frames = input[0].length;
    for (let i = 0; i < frames; i++) {
      let x = 0;
      for (let c = 0; c < channels; c++) x += input[c][i];
      x /= channels;
      this.sumSq += x * x;
      this.count++;
      for (const f of this.filters) x = f.run(x);
      if (this.recording) {
        while (this.pos <= 1) {
          this.emit(this.prev + (x - this.prev) * this.pos);
          this.pos += this.step;
        }
      } else {
        this.pos = 1; // the first sample recorded will be this one
      }
      this.pos -= 1;
      this.prev = x;
      if (this.count >= this.levelEvery) {
        this.port.postMessage({ type: "level", rms: Math.sqrt(this.sumSq / this.count) });
        this.sumSq = 0;
        this.count = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm16k-recorder", Pcm16kRecorder);
