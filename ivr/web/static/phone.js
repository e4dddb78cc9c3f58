// The browser phone: drives a call through the JSON API and draws what the server says.
// Everything shown that comes from a menu is set with textContent, never as HTML.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("phone-config").textContent);
  const $ = (id) => document.getElementById(id);
  const app = $("app");
  const keys = Array.from(document.querySelectorAll(".key"));
  const TICK_MS = 100;

  let token = null;      // the signed call, sent back with every event
  let waiting = null;    // what the call waits for (null when it does not wait)
  let buffer = "";       // digits typed at an input (or multi-digit menu) not yet sent
  let chain = Promise.resolve();  // events go to the server one at a time, in order
  let countdown = null;  // {deadline, total, timer}
  let audioQueue = [];

  function setState(name) {
    app.dataset.state = name;
    const inCall = name === "waiting" || name === "busy";
    keys.forEach((key) => { key.disabled = !inCall; });
    $("speak-text").disabled = !inCall;
    $("speak-button").disabled = !inCall;
    $("mic").disabled = !inCall || !config.listen;
    $("hangup").disabled = !inCall;
    $("call").disabled = inCall;
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message || "";
    box.hidden = !message;
  }

  async function post(url, body) {
    return request(url, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
    });
  }

  async function request(url, options) {
    const response = await fetch(url, options);
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (!response.ok) {
      throw new Error((data && data.error) || ("the server answered " + response.status));
    }
    return data;
  }

  function enqueue(job) {
    chain = chain.then(job).catch((error) => {
      showError(error.message);
      setState(token && waiting ? "waiting" : "idle");
    });
    return chain;
  }

  function send(event, payload) {
    stopCountdown();
    setState("busy");
    return post(config.event.replace("EVENT", event), Object.assign({call: token}, payload))
      .then(render);
  }

  // -- drawing ------------------------------------------------------------------------
  function render(state) {
    token = state.call;
    waiting = state.waiting;
    buffer = "";
    showDigits();
    showError("");
    $("heard").hidden = true;
    $("elapsed").textContent = state.elapsed.toFixed(1);
    $("lang").textContent = state.lang_name + " (" + state.lang + ")";
    $("clock").textContent = state.clock;
    $("node").textContent = state.node || "–";
    drawPrompt(state.said);
    drawTranscript(state.transcript);
    drawTree(state);
    drawEnding(state);
    if (state.waiting) {
      setState("waiting");
      $("status").textContent = waitingText(state.waiting);
      playAudio(state.said, () => startCountdown(state.waiting.timeout));
    } else {
      setState("ended");
      $("status").textContent = "The call has ended.";
      $("call").textContent = "Call again";
      $("call").focus();
    }
  }

  function waitingText(wait) {
    const kind = wait.kind === "input" ? "Enter digits" : "Choose an option";
    const again = wait.attempt ? " (attempt " + (wait.attempt + 1) + " of " + (wait.retries + 1) + ")" : "";
    return kind + again + ".";
  }

  function drawPrompt(said) {
    const box = $("prompt");
    box.replaceChildren();
    said.forEach((line) => {
      const p = document.createElement("p");
      p.textContent = line.text;
      p.lang = line.lang;
      box.appendChild(p);
    });
  }

  function drawTranscript(lines) {
    const list = $("transcript");
    list.replaceChildren();
    lines.forEach((line) => {
      const item = document.createElement("li");
      item.className = "who-" + line.who;
      const time = document.createElement("span");
      time.className = "t";
      time.textContent = line.seconds.toFixed(1) + " s";
      const who = document.createElement("span");
      who.className = "who";
      who.textContent = {ivr: "IVR", caller: "You", system: "—"}[line.who] || line.who;
      const text = document.createElement("span");
      text.className = "text";
      text.textContent = line.text;
      item.append(time, who, text);
      list.appendChild(item);
    });
    list.scrollTop = list.scrollHeight;
  }

  function drawTree(state) {
    const visited = new Set(state.path);
    const taken = new Set(state.route.map((step) => step[0] + "\u0000" + step[1]));
    document.querySelectorAll("#tree .node").forEach((node) => {
      const id = node.dataset.node;
      node.classList.toggle("visited", visited.has(id));
      node.classList.toggle("current", id === state.node);
    });
    document.querySelectorAll("#tree .edge").forEach((edge) => {
      const on = taken.has(edge.dataset.from + "\u0000" + edge.dataset.to);
      edge.classList.toggle("taken", on);
      edge.querySelector("path").setAttribute("marker-end", on ? "url(#tree-arrow-taken)" : "url(#tree-arrow)");
    });
    const current = Array.from(document.querySelectorAll("#tree .node"))
      .find((node) => node.dataset.node === state.node);
    if (current) { scrollTreeTo(current); }
  }

  function scrollTreeTo(node) {
    const box = $("tree-box");
    const svg = $("tree");
    const rect = node.querySelector("rect");
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const x = (rect.x.baseVal.value + rect.width.baseVal.value / 2) * scale;
    const y = (rect.y.baseVal.value + rect.height.baseVal.value / 2) * scale;
    const margin = 60;
    if (x < box.scrollLeft + margin || x > box.scrollLeft + box.clientWidth - margin) {
      box.scrollLeft = Math.max(0, x - box.clientWidth / 2);
    }
    if (y < box.scrollTop + margin || y > box.scrollTop + box.clientHeight - margin) {
      box.scrollTop = Math.max(0, y - box.clientHeight / 2);
    }
  }

  function drawEnding(state) {
    const end = state.endpoint;
    const queue = $("queue");
    queue.hidden = !(end && end.kind === "queue");
    if (!queue.hidden) {
      $("queue-name").textContent = end.name;
      $("queue-wait").textContent = end.wait_text;
      $("queue-elapsed").textContent = state.elapsed.toFixed(1);
      $("queue-hold").textContent = end.message
        ? "On hold: " + end.message
        : "On hold: " + end.hold + (end.callback ? "; a call-back is offered" : "");
    }
    const outcome = $("outcome");
    outcome.hidden = !state.outcome;
    if (state.outcome) {
      outcome.textContent = "Call " + state.outcome.text + ".";
      outcome.dataset.kind = state.outcome.kind;
    }
  }

  // -- prompt audio -------------------------------------------------------------------
  function playAudio(said, done) {
    const audio = $("audio");
    audioQueue = said.filter((line) => line.audio_url).map((line) => line.audio_url);
    audio.hidden = audioQueue.length === 0;
    const next = () => {
      const url = audioQueue.shift();
      if (!url) { done(); return; }
      audio.src = url;
      audio.play().catch(() => { audioQueue = []; done(); });
    };
    audio.onended = next;
    audio.onerror = () => { audioQueue = []; done(); };
    next();
  }

  function stopAudio() {
    audioQueue = [];
    const audio = $("audio");
    audio.onended = null;
    audio.onerror = null;
    audio.pause();
  }

  // -- the no-input countdown -----------------------------------------------------------
  function startCountdown(seconds) {
    stopCountdown();
    const total = seconds * 1000;
    const deadline = performance.now() + total;
    $("countdown").hidden = false;
    const tick = () => {
      const left = Math.max(0, deadline - performance.now());
      $("countdown-seconds").textContent = (left / 1000).toFixed(1);
      $("countdown-bar").value = left / total;
      if (left <= 0) { timeUp(); }
    };
    countdown = {timer: setInterval(tick, TICK_MS)};
    tick();
  }

  function stopCountdown() {
    if (countdown) { clearInterval(countdown.timer); countdown = null; }
    $("countdown").hidden = true;
  }

  function timeUp() {
    stopCountdown();
    stopAudio();
    enqueue(() => {
      if (!waiting) { return null; }
      // Like a real gather: digits typed so far are sent when the time is up.
      return buffer ? send("press", {keys: buffer}) : send("silence", {});
    });
  }

  // -- caller events ----------------------------------------------------------------------
  function showDigits() {
    $("digits").hidden = !buffer;
    $("digits").textContent = buffer ? "Typed: " + buffer : "";
  }

  function press(key) {
    const button = keys.find((b) => b.dataset.key === key);
    if (button) {
      button.classList.add("pressed");
      setTimeout(() => button.classList.remove("pressed"), 150);
    }
    enqueue(() => {
      if (!waiting) { return null; }
      stopAudio();
      buffer += key;
      showDigits();
      const finished = waiting.finish_on && key === waiting.finish_on;
      if (finished || buffer.length >= waiting.num_digits ||
          (waiting.kind === "menu" && waiting.keys.includes(buffer))) {
        return send("press", {keys: buffer});
      }
      startCountdown(waiting.timeout);
      return null;
    });
  }

  function startCall() {
    stopCountdown();
    stopAudio();
    showError("");
    setState("busy");
    $("status").textContent = "Calling…";
    const body = {at: $("at").value.trim(), lang: $("start-lang").value};
    enqueue(() => post(config.start, body).then(render, (error) => {
      $("settings").open = true;  // the time or language of the call is what was refused
      $("status").textContent = "The call could not be made.";
      throw error;
    }));
  }

  function hangUp() {
    stopCountdown();
    stopAudio();
    enqueue(() => (token && waiting ? send("hangup", {}) : null));
  }

  function speak(text) {
    enqueue(() => (waiting ? send("speak", {text: text}) : null));
  }

  // -- a recorded answer (where the browser has a microphone) -----------------------------
  const MAX_CLIP_MS = 8000;
  const CLIP_RATE = 16000;
  let recorder = null;

  async function toggleMic() {
    if (recorder) { recorder.stop(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: {echoCancellation: false, noiseSuppression: false, autoGainControl: false},
      });
    } catch (error) {
      showError("The microphone is not available: " + error.message);
      return;
    }
    stopCountdown();
    stopAudio();
    const chunks = [];
    const mic = $("mic");
    recorder = new MediaRecorder(stream);
    const limit = setTimeout(() => recorder && recorder.stop(), MAX_CLIP_MS);
    recorder.ondataavailable = (event) => { if (event.data.size) { chunks.push(event.data); } };
    recorder.onstop = () => {
      clearTimeout(limit);
      stream.getTracks().forEach((track) => track.stop());
      recorder = null;
      mic.setAttribute("aria-pressed", "false");
      mic.textContent = "Record";
      const blob = new Blob(chunks, {type: chunks.length ? chunks[0].type : "audio/webm"});
      enqueue(() => (waiting ? upload(blob) : null));
    };
    recorder.start();
    mic.setAttribute("aria-pressed", "true");
    mic.textContent = "Stop";
    $("status").textContent = "Recording… press Stop when you have said your answer.";
  }

  async function upload(blob) {
    setState("busy");
    $("status").textContent = "Listening to your answer…";
    const form = new FormData();
    form.append("call", token);
    form.append("audio", new Blob([await toWav(blob)], {type: "audio/wav"}), "answer.wav");
    const state = await request(config.listen, {method: "POST", body: form});
    render(state);
    $("heard").textContent = state.heard ? "Speech: " + state.heard : "";
    $("heard").hidden = !state.heard;
  }

  // The recording (webm/opus or whatever the browser makes) as 16 kHz mono 16-bit WAV.
  async function toWav(blob) {
    const decoded = await new OfflineAudioContext(1, 1, CLIP_RATE)
      .decodeAudioData(await blob.arrayBuffer());
    const length = Math.max(1, Math.ceil(decoded.duration * CLIP_RATE));
    const offline = new OfflineAudioContext(1, length, CLIP_RATE);
    const source = offline.createBufferSource();
    source.buffer = decoded;
    source.connect(offline.destination);
    source.start();
    const samples = (await offline.startRendering()).getChannelData(0);
    const view = new DataView(new ArrayBuffer(44 + samples.length * 2));
    const text = (offset, value) => {
      for (let i = 0; i < value.length; i += 1) { view.setUint8(offset + i, value.charCodeAt(i)); }
    };
    text(0, "RIFF");
    view.setUint32(4, 36 + samples.length * 2, true);
    text(8, "WAVEfmt ");
    view.setUint32(16, 16, true);
    view.setUint16(20, 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, CLIP_RATE, true);
    view.setUint32(28, CLIP_RATE * 2, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    text(36, "data");
    view.setUint32(40, samples.length * 2, true);
    samples.forEach((sample, i) => {
      const clipped = Math.max(-1, Math.min(1, sample));
      view.setInt16(44 + i * 2, clipped < 0 ? clipped * 0x8000 : clipped * 0x7fff, true);
    });
    return view.buffer;
  }

  // -- wiring -----------------------------------------------------------------------------
  keys.forEach((button) => button.addEventListener("click", () => press(button.dataset.key)));
  $("call").addEventListener("click", startCall);
  $("hangup").addEventListener("click", hangUp);
  $("skip").addEventListener("click", timeUp);
  $("mic").addEventListener("click", toggleMic);
  $("mic").hidden = !(config.listen && navigator.mediaDevices && window.MediaRecorder);
  $("speak-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("speak-text").value.trim();
    if (text) {
      $("speak-text").value = "";
      speak(text);
    }
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLInputElement || target instanceof HTMLSelectElement ||
      target instanceof HTMLTextAreaElement;
    if (typing || event.ctrlKey || event.metaKey || event.altKey) { return; }
    if ("0123456789*#".includes(event.key) && event.key.length === 1) {
      event.preventDefault();
      if (app.dataset.state === "waiting" || app.dataset.state === "busy") { press(event.key); }
    } else if (event.key === "Escape") {
      hangUp();
    } else if (event.key === "Enter" && !(target instanceof HTMLButtonElement) &&
               (app.dataset.state === "idle" || app.dataset.state === "ended")) {
      startCall();
    }
  });

  window.ivrPhone = {speak: speak};
  setState("idle");
})();
