// The skill's page: push-to-talk (or typing) through the service's HTTP API.
// Everything goes to this page's own origin: /v1/sessions/... and /page/config.json.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const KEYS = { session: "backpain.session", log: "backpain.log", token: "backpain.token", speak: "backpain.speak" };
  const HOLD_MS = 350; // a press shorter than this is a tap: tap again to stop
  const MAX_SECONDS = 58; // the service takes up to 60 s of audio
  const MIN_SAMPLES = 16000 * 0.25;
  const LABELS = {
    emergency: "Emergency",
    urgent: "Urgent: get checked today",
    soon: "Soon: within 24 hours",
    routine: "Routine: at your next appointment",
    self_care: "No warning signs found",
  };
  const CALL_LEVELS = new Set(["emergency", "urgent"]);

  let config = { emergency_number: "", token_required: false, actions: {} };
  let reply = null; // the latest Reply
  let busy = false;
  let pending = null; // a turn the service has not answered yet: {kind, text | wav}

  // ---- storage (sessionStorage: this tab only; it may be unavailable) -------------------
  const storage = {
    get(key) { try { return window.sessionStorage.getItem(key); } catch (e) { return null; } },
    set(key, value) { try { window.sessionStorage.setItem(key, value); } catch (e) { /* not kept */ } },
    remove(key) { try { window.sessionStorage.removeItem(key); } catch (e) { /* nothing kept */ } },
  };

  // ---- talking to the service ------------------------------------------------------------
  class NetworkError extends Error {}
  class ServiceError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  async function api(method, path, { json, body, type, headers = {} } = {}) {
    const h = { ...headers };
    const token = storage.get(KEYS.token);
    if (token) h.Authorization = "Bearer " + token;
    let payload;
    if (json !== undefined) { h["Content-Type"] = "application/json"; payload = JSON.stringify(json); }
    else if (body !== undefined) { h["Content-Type"] = type; payload = body; }
    let res;
    try {
      res = await fetch(path, { method, headers: h, body: payload, cache: "no-store", credentials: "same-origin" });
    } catch (e) {
      throw new NetworkError("network");
    }
    if (!res.ok) {
      let code = "error";
      let message = `The service answered with an error (${res.status}).`;
      try {
        const data = await res.json();
        if (data && data.error) { code = data.error.code || code; message = data.error.message || message; }
      } catch (e) { /* not JSON */ }
      throw new ServiceError(res.status, code, message);
    }
    return res;
  }

  const sessionPath = (suffix = "") => `/v1/sessions/${encodeURIComponent(reply.session_id)}${suffix}`;

  // ---- what is on screen -----------------------------------------------------------------
  function setStatus(text) { $("status").textContent = text || ""; }

  function showProblem(text, { retry = false, newCheck = false } = {}) {
    $("problem-text").textContent = text;
    $("retry").hidden = !retry;
    $("new-check").hidden = !newCheck;
    $("problem").hidden = false;
  }

  function hideProblem() { $("problem").hidden = true; }

  function announce(text) {
    const region = $("announce");
    region.textContent = "";
    // a new text node in the next frame, so the same words are announced again
    window.requestAnimationFrame(() => { region.textContent = text; });
  }

  function loadLog() {
    try { return JSON.parse(storage.get(KEYS.log) || "[]"); } catch (e) { return []; }
  }

  function renderLog() {
    const list = $("log");
    list.textContent = "";
    for (const entry of loadLog()) {
      const item = document.createElement("li");
      item.className = "log-" + entry.who;
      const who = document.createElement("span");
      who.className = "who";
      const words = document.createElement("span");
      if (entry.who === "heard") {
        who.textContent = "You said: ";
        words.textContent = entry.text ? `I heard: “${entry.text}”` : "I didn't catch anything.";
      } else if (entry.who === "you") {
        who.textContent = "You typed: ";
        words.textContent = entry.text;
      } else {
        who.textContent = "Check: ";
        words.textContent = entry.text;
      }
      item.append(who, words);
      list.append(item);
    }
  }

  function addLog(who, text) {
    const log = loadLog();
    log.push({ who, text });
    storage.set(KEYS.log, JSON.stringify(log.slice(-200)));
    renderLog();
  }

  function show(r, { speak = true, heard = null } = {}) {
    reply = r;
    storage.set(KEYS.session, r.session_id);
    const heardLine = $("heard");
    if (heard !== null) {
      heardLine.textContent = heard ? `I heard: “${heard}”` : "I didn't catch that.";
      heardLine.hidden = false;
    } else {
      heardLine.hidden = true;
    }
    const advice = $("advice");
    if (r.done && r.triage) {
      const level = r.triage.urgency;
      const action = config.actions[level] || "";
      let rest = r.triage.advice || "";
      if (action && rest.includes(action)) rest = rest.replace(action, " ").replace(/\s+/g, " ").trim();
      let offer = r.say.startsWith(r.triage.advice) ? r.say.slice(r.triage.advice.length).trim() : "";
      advice.className = "advice advice-" + level;
      $("advice-title").textContent = LABELS[level] || level;
      $("advice-action").textContent = action || r.triage.advice;
      $("advice-text").textContent = action ? rest : "";
      $("advice-offer").textContent = offer;
      $("advice-call-line").hidden = !CALL_LEVELS.has(level);
      advice.hidden = false;
      $("say").textContent = r.say.startsWith(r.triage.advice) ? (offer || "Here is my advice.") : r.say;
      closeMic();
    } else {
      advice.hidden = true;
      $("say").textContent = r.say;
    }
    $("say").classList.toggle("say-long", $("say").textContent.length > 160);
    $("hear-again").hidden = false;
    announce(r.say);
    if (speak) speakReply();
  }

  // ---- the reply, spoken -----------------------------------------------------------------
  let speechSeq = 0;
  let speechUrl = null;

  function stopSpeaking() {
    speechSeq++;
    const audio = $("voice");
    audio.pause();
  }

  async function speakReply({ always = false } = {}) {
    if (!reply || (!always && !$("speak").checked)) return;
    const seq = ++speechSeq;
    try {
      const res = await api("GET", sessionPath("/speech"));
      const blob = await res.blob();
      if (seq !== speechSeq) return; // a newer reply, or the microphone, took over
      const audio = $("voice");
      if (speechUrl) URL.revokeObjectURL(speechUrl);
      speechUrl = URL.createObjectURL(blob);
      audio.src = speechUrl;
      await audio.play();
    } catch (e) {
      if (seq !== speechSeq) return;
      if (e && e.name === "NotAllowedError") setStatus("Press “Hear it again” to hear the reply.");
      else if (e instanceof ServiceError && e.status === 503) setStatus("The reply cannot be spoken on this computer; it is shown above.");
      else if (e instanceof NetworkError) setStatus("The reply could not be fetched to speak it; it is shown above.");
    }
  }

  // ---- turns -----------------------------------------------------------------------------
  function networkMessage() {
    return "Could not reach the back pain check service. Nothing is lost: check that it is " +
      "still running (backpain serve), then press Try again.";
  }

  function setBusy(on) {
    busy = on;
    $("main").setAttribute("aria-busy", on ? "true" : "false");
    if (on) setStatus("Thinking…");
  }

  async function sendTurn(turn) {
    if (busy || !reply) return;
    pending = turn;
    hideProblem();
    setBusy(true);
    stopSpeaking();
    try {
      let res;
      if (turn.kind === "text") {
        const body = { text: turn.text };
        if (typeof reply.turn === "number") body.turn = reply.turn;
        res = await api("POST", sessionPath("/text"), { json: body });
      } else {
        const headers = typeof reply.turn === "number" ? { "If-Match": String(reply.turn) } : {};
        res = await api("POST", sessionPath("/audio"), { body: turn.wav, type: "audio/wav", headers });
      }
      const r = await res.json();
      pending = null;
      setStatus("");
      if (turn.kind === "text") {
        addLog("you", turn.text);
        if ($("answer").value.trim() === turn.text) $("answer").value = "";
      } else {
        addLog("heard", r.transcript || "");
      }
      addLog("skill", r.say);
      show(r, { heard: turn.kind === "audio" ? (r.transcript || "") : null });
    } catch (e) {
      setStatus("");
      await turnFailed(e);
    } finally {
      setBusy(false);
    }
  }

  async function turnFailed(e) {
    if (e instanceof NetworkError) {
      showProblem(networkMessage(), { retry: true });
    } else if (e.status === 409 && e.code === "turn_conflict") {
      // the service already has this answer (a retried request): show where it is now
      pending = null;
      try { show(await (await api("GET", sessionPath())).json(), { speak: false }); } catch (err) { showProblem(networkMessage(), { retry: false }); }
    } else if (e.status === 404) {
      pending = null;
      showProblem("This check is no longer on the service (it may have expired after a long pause). Start a new check.", { newCheck: true });
    } else if (e.status === 401) {
      askForToken("The service did not accept the access token. Enter it again; your answer is kept.");
    } else if (e.status === 429 || e.status === 503 || e.status === 408 || e.status >= 500) {
      showProblem(`${e.message} Your answer is kept: press Try again in a moment.`, { retry: true });
    } else {
      // 4xx about the answer itself (e.g. a recording it cannot use): nothing to retry
      pending = null;
      showProblem(e.message + " You can type your answer instead.");
    }
  }

  // ---- starting and resuming -------------------------------------------------------------
  async function startNew() {
    storage.remove(KEYS.session);
    storage.remove(KEYS.log);
    renderLog();
    hideProblem();
    const r = await (await api("POST", "/v1/sessions")).json();
    addLog("skill", r.say);
    show(r);
  }

  async function resume() {
    hideProblem();
    const id = storage.get(KEYS.session);
    try {
      if (id) {
        try {
          const r = await (await api("GET", `/v1/sessions/${encodeURIComponent(id)}`)).json();
          renderLog();
          show(r, { speak: false });
          return;
        } catch (e) {
          if (!(e instanceof ServiceError && e.status === 404)) throw e;
        }
      }
      await startNew();
    } catch (e) {
      if (e instanceof NetworkError) {
        $("say").textContent = "The check could not start.";
        showProblem("Could not reach the back pain check service. Check that it is running (backpain serve), then press Try again.", { retry: true });
        pending = { kind: "resume" };
      } else if (e.status === 401) {
        askForToken("The service did not accept the access token. Enter it again.");
      } else {
        showProblem(e.message, { retry: true });
        pending = { kind: "resume" };
      }
    }
  }

  function askForToken(message) {
    const form = $("token-form");
    form.hidden = false;
    if (message) $("token-help").textContent = message;
    $("token").focus();
  }

  // ---- recording -------------------------------------------------------------------------
  let mic = null; // {stream, ctx, node, source}
  let rec = null; // {state: "starting"|"recording"|"stopping", chunks, samples, stopWhenReady, timer}

  function micMessage(err) {
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return "This browser only lets a page use the microphone when it is opened from this computer " +
        "(http://127.0.0.1) or over https. Type your answer below instead.";
    }
    switch (err && err.name) {
      case "NotAllowedError":
      case "PermissionDeniedError":
      case "SecurityError":
        return "The microphone is blocked for this page. To talk, allow the microphone in the browser's " +
          "site settings (the icon at the left of the address bar), then press the button again. " +
          "Or type your answer below.";
      case "NotFoundError":
      case "DevicesNotFoundError":
      case "OverconstrainedError":
        return "No microphone was found. Plug one in and press the button again, or type your answer below.";
      case "NotReadableError":
      case "TrackStartError":
      case "AbortError":
        return "The microphone could not be started; another program may be using it. " +
          "Close it and press the button again, or type your answer below.";
      default:
        return "The microphone could not be used" + (err && err.name ? ` (${err.name})` : "") +
          ". Type your answer below instead.";
    }
  }

  async function openMic() {
    if (mic) return mic;
    if (!window.isSecureContext || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new Error("insecure");
    }
    if (!window.AudioWorkletNode) throw Object.assign(new Error("unsupported"), { name: "NotSupportedError" });
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: false, autoGainControl: false },
    });
    let ctx;
    try {
      ctx = new AudioContext();
      await ctx.audioWorklet.addModule("/page/recorder-worklet.js");
      const source = ctx.createMediaStreamSource(stream);
      const node = new AudioWorkletNode(ctx, "pcm16k-recorder", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
      source.connect(node);
      node.connect(ctx.destination); // silent output: keeps the node running
      node.port.onmessage = onWorkletMessage;
      await ctx.resume();
      mic = { stream, ctx, node, source };
      // the browser may end the track (unplugged, permission revoked)
      for (const track of stream.getAudioTracks()) track.addEventListener("ended", () => closeMic());
      return mic;
    } catch (e) {
      for (const track of stream.getTracks()) track.stop();
      if (ctx) ctx.close();
      throw e;
    }
  }

  function closeMic() {
    if (rec) return; // not while recording
    if (!mic) return;
    for (const track of mic.stream.getTracks()) track.stop();
    mic.ctx.close();
    mic = null;
  }

  function onWorkletMessage(event) {
    const data = event.data;
    if (data.type === "level") {
      if (rec && rec.state === "recording") {
        const db = 20 * Math.log10(Math.max(data.rms, 1e-6));
        $("level").value = Math.max(0, Math.min(1, (db + 60) / 60));
      }
    } else if (data.type === "pcm") {
      if (rec) { rec.chunks.push(data.samples); rec.samples += data.samples.length; }
    } else if (data.type === "stopped") {
      if (rec && rec.state === "stopping") finishRecording();
    }
  }

  function talkLabel() {
    const label = $("talk-label");
    const talk = $("talk");
    if (rec && (rec.state === "recording" || rec.state === "starting")) {
      label.textContent = rec.tap ? "Listening… tap to send" : "Listening… let go to send";
      talk.setAttribute("aria-pressed", "true");
      talk.classList.add("recording");
    } else {
      label.textContent = "Hold to talk";
      talk.setAttribute("aria-pressed", "false");
      talk.classList.remove("recording");
    }
  }

  async function startRecording() {
    if (rec || busy || !reply) return;
    stopSpeaking();
    hideProblem();
    rec = { state: "starting", chunks: [], samples: 0, stopWhenReady: false, tap: false, timer: null };
    talkLabel();
    try {
      await openMic();
    } catch (e) {
      rec = null;
      talkLabel();
      showProblem(micMessage(e));
      $("answer").focus();
      return;
    }
    if (!rec) return;
    rec.state = "recording";
    mic.node.port.postMessage("start");
    $("level").value = 0;
    $("listening").hidden = false;
    setStatus("Listening…");
    rec.timer = window.setTimeout(() => stopRecording(), MAX_SECONDS * 1000);
    if (rec.stopWhenReady) stopRecording();
  }

  function stopRecording() {
    if (!rec) return;
    if (rec.state === "starting") { rec.stopWhenReady = true; return; }
    if (rec.state !== "recording") return;
    rec.state = "stopping";
    window.clearTimeout(rec.timer);
    mic.node.port.postMessage("stop");
  }

  function finishRecording() {
    const done = rec;
    rec = null;
    talkLabel();
    $("listening").hidden = true;
    setStatus("");
    if (done.samples < MIN_SAMPLES) {
      showProblem("That was too short to hear anything. Hold the button while you speak, or type your answer.");
      return;
    }
    sendTurn({ kind: "audio", wav: wavBlob(done.chunks, done.samples) });
  }

  function wavBlob(chunks, samples) {
    const buffer = new ArrayBuffer(44 + samples * 2);
    const view = new DataView(buffer);
    const text = (offset, s) => { for (let i = 0; i < s.length; i++) view.setUint8(offset + i, s.charCodeAt(i)); };
    text(0, "RIFF");
    view.setUint32(4, 36 + samples * 2, true);
    text(8, "WAVE");
    text(12, "fmt ");
    view.setUint32(16, 16, true); // fmt chunk size
    view.setUint16(20, 1, true); // PCM
    view.setUint16(22, 1, true); // mono
    view.setUint32(24, 16000, true);
    view.setUint32(28, 32000, true); // bytes per second
    view.setUint16(32, 2, true); // block align
    view.setUint16(34, 16, true); // bits per sample
    text(36, "data");
    view.setUint32(40, samples * 2, true);
    let offset = 44;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++, offset += 2) view.setInt16(offset, chunk[i], true);
    }
    return new Blob([buffer], { type: "audio/wav" });
  }

  // ---- push-to-talk: hold, or tap to start and tap to stop; the space bar too ---------------
  let press = null; // {at, second}

  function pressStart() {
    if (rec) { // a second tap: send
      press = { second: true };
      stopRecording();
      return;
    }
    if (busy) { setStatus("Still waiting for the last answer…"); return; }
    press = { at: performance.now(), second: false };
    startRecording();
  }

  function pressEnd() {
    const p = press;
    press = null;
    if (!p || p.second || !rec) return;
    if (performance.now() - p.at >= HOLD_MS) {
      stopRecording(); // held: let go to send
    } else {
      rec.tap = true; // a tap: keep listening until the next tap
      talkLabel();
    }
  }

  function setupTalk() {
    const talk = $("talk");
    talk.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      e.preventDefault();
      try { talk.setPointerCapture(e.pointerId); } catch (err) { /* not capturable */ }
      talk.focus();
      pressStart();
    });
    talk.addEventListener("pointerup", (e) => { if (e.button === 0) pressEnd(); });
    talk.addEventListener("pointercancel", () => pressEnd());
    talk.addEventListener("contextmenu", (e) => e.preventDefault()); // a long touch is a hold
    talk.addEventListener("click", (e) => {
      if (e.detail !== 0) return; // pointer clicks are handled above
      // Enter (or a screen reader's activation): a tap
      if (rec) stopRecording();
      else { pressStart(); pressEnd(); if (rec) { rec.tap = true; talkLabel(); } }
    });

    let spaceDown = false;
    const spaceIsTalk = (target) => {
      if (!target || target === document.body || target === talk || target === document.documentElement) return true;
      return !target.closest("input, textarea, select, button, a, [contenteditable]");
    };
    document.addEventListener("keydown", (e) => {
      if (e.code !== "Space" && e.key !== " ") return;
      if (!spaceIsTalk(e.target)) return;
      e.preventDefault();
      if (e.repeat || spaceDown) return;
      spaceDown = true;
      pressStart();
    });
    document.addEventListener("keyup", (e) => {
      if (e.code !== "Space" && e.key !== " ") return;
      if (!spaceDown) return;
      e.preventDefault();
      spaceDown = false;
      pressEnd();
    });
    window.addEventListener("blur", () => { if (spaceDown) { spaceDown = false; pressEnd(); } });
  }

  // ---- set-up ----------------------------------------------------------------------------
  function setupForms() {
    $("type-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const text = $("answer").value.trim();
      if (!text) { setStatus("Type an answer first, or hold the button to talk."); $("answer").focus(); return; }
      if (busy) { setStatus("Still waiting for the last answer…"); return; }
      sendTurn({ kind: "text", text: text.slice(0, 2000) });
    });
    for (const button of document.querySelectorAll("[data-say]")) {
      button.addEventListener("click", () => sendTurn({ kind: "text", text: button.dataset.say }));
    }
    $("retry").addEventListener("click", () => {
      const turn = pending;
      if (!turn) { hideProblem(); return; }
      if (turn.kind === "resume") { pending = null; resume(); return; }
      if (turn.kind === "begin") { pending = null; begin(); return; }
      sendTurn(turn);
    });
    $("new-check").addEventListener("click", () => { startNew().catch((e) => turnFailed(e)); });
    $("hear-again").addEventListener("click", () => speakReply({ always: true }));
    const speak = $("speak");
    speak.checked = storage.get(KEYS.speak) !== "off";
    speak.addEventListener("change", () => {
      storage.set(KEYS.speak, speak.checked ? "on" : "off");
      if (!speak.checked) stopSpeaking();
    });
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const token = $("token").value.trim();
      if (!token) return;
      storage.set(KEYS.token, token);
      $("token").value = "";
      $("token-form").hidden = true;
      if (pending && (pending.kind === "text" || pending.kind === "audio") && reply) sendTurn(pending);
      else resume();
    });
    document.addEventListener("visibilitychange", () => { if (document.hidden) closeMic(); });
  }

  async function begin() {
    hideProblem();
    try {
      const res = await fetch("/page/config.json", { cache: "no-store" });
      if (!res.ok) throw new ServiceError(res.status, "error", `The service answered with an error (${res.status}).`);
      config = await res.json();
    } catch (e) {
      $("say").textContent = "The check could not start.";
      showProblem("Could not reach the back pain check service. Check that it is running (backpain serve), then press Try again.", { retry: true });
      pending = { kind: "begin" };
      return;
    }
    for (const link of document.querySelectorAll(".emergency-link, #advice-call")) {
      link.href = "tel:" + config.emergency_number.replace(/[^0-9+*#]/g, "");
    }
    if (config.token_required && !storage.get(KEYS.token)) {
      $("say").textContent = "Enter the access token to begin.";
      askForToken();
      return;
    }
    await resume();
  }

  function boot() {
    setupTalk();
    setupForms();
    begin();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
