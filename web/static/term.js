// z80lm's terminal: loads the Z80/CP/M machine (z80lm.wasm), runs the
// chosen .COM in slices of T-states from requestAnimationFrame, either
// paced to a 4 MHz clock or as fast as the browser can, and shows the
// console output as plain DOM text.
//
// For tests and assistive technology the page exposes its state on <body>:
// data-state (loading, running, input, exited, error), data-program,
// data-turns (how many times the program has asked for input) and
// data-reply-t (T-states from the last input to the next input request).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const screen = $("screen"), lineEl = $("line"), pendingEl = $("pending");
  const term = $("term"), input = $("in"), statusEl = $("status");
  const said = $("said"), full = $("full"), picker = $("file");
  const HZ = 4e6;          // the Z80's clock
  const MAX_LINES = 2000;  // scrollback
  const BUDGET_MS = 12;    // emulation time per animation frame

  let state = "loading";
  let prog = null;         // {name, com}
  let line = "", col = 0;  // the line being written and the column in it
  let machT = 0;           // machine T-states, as of the last run call
  let clockT = 0;          // where the 4 MHz clock is (paced mode)
  let lastFrame = 0, looping = false, chunk = 200000, lastStatus = 0;
  let reply = null;        // {startT, chars, firstT, wall} of the running reply
  let turns = 0, interactive = false;
  const cache = new Map(); // name -> .COM bytes
  const history = [];      // lines typed, for the arrow keys
  let recall = 0;          // index into history while recalling

  function setState(s) {
    state = s;
    document.body.dataset.state = s;
  }

  // ---- screen ----

  function atBottom() {
    return screen.scrollTop + screen.clientHeight >= screen.scrollHeight - 4;
  }

  // write interprets console bytes as a glass terminal does: CR returns to
  // the start of the line, LF ends it, BS moves left, TAB goes to the next
  // multiple of 8; bit 7 is ignored (CP/M is 7-bit) and other controls too.
  function write(s) {
    const follow = atBottom();
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i) & 0x7f;
      if (c === 10) newline();
      else if (c === 13) col = 0;
      else if (c === 8) { if (col > 0) col--; }
      else if (c === 9) { do putc(" "); while (col % 8); }
      else if (c >= 32 && c < 127) putc(String.fromCharCode(c));
    }
    lineEl.textContent = line;
    if (follow) screen.scrollTop = screen.scrollHeight;
  }

  function putc(ch) {
    line = line.padEnd(col).slice(0, col) + ch + line.slice(col + 1);
    col++;
  }

  function newline() {
    screen.insertBefore(document.createTextNode(line + "\n"), lineEl);
    if (line.trim()) said.textContent = line;
    line = "";
    col = 0;
    while (screen.firstChild !== lineEl && screen.childNodes.length > MAX_LINES + 3) {
      screen.removeChild(screen.firstChild);
    }
  }

  function clearScreen() {
    while (screen.firstChild !== lineEl) screen.removeChild(screen.firstChild);
    line = "";
    col = 0;
    lineEl.textContent = "";
  }

  // A message from the page, not the program, on a line of its own.
  function note(msg) {
    write((line ? "\r\n" : "") + "[" + msg + "]\r\n");
  }

  // ---- status line ----

  const num = (n) => Math.round(n).toLocaleString("en-US");
  const secs = (t) => (t / HZ).toFixed(2) + " s";

  function showStatus() {
    const name = prog ? prog.name + ".COM (" + num(prog.com.length) + " bytes)" : "";
    const speed = full.checked ? "full speed" : "4 MHz";
    let s = name + " · " + speed;
    if (state === "running" && reply) {
      const t = machT - reply.startT;
      s += " · running: " + num(t) + " T-states = " + secs(t) + " at 4 MHz";
    } else if (reply && reply.endT !== undefined) {
      const t = reply.endT - reply.startT;
      s += " · last reply: " + num(reply.chars) + " chars, " + num(t) + " T-states = " + secs(t) + " at 4 MHz";
      if (reply.chars > 0) s += ", " + num(t / reply.chars) + " T/char";
      if (reply.firstT >= 0) s += " (first char after " + secs(reply.firstT - reply.startT) + ")";
      const wall = (reply.wallEnd - reply.wall) / 1000;
      if (full.checked && wall > 0.01) s += " · here in " + wall.toFixed(2) + " s (" + (t / wall / 1e6).toFixed(0) + " MHz)";
    }
    statusEl.textContent = s;
  }

  // ---- running the machine ----

  function output(s, times) {
    if (!s) return;
    if (reply) {
      // The BDOS echoes the typed line in zero T-states, at startT; the
      // reply is what comes after, on complete lines (the last, unfinished
      // one is the next prompt).
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i) & 0x7f;
        if (times[i] <= reply.startT) continue;
        if (c === 10) {
          reply.chars += reply.lineChars;
          reply.lineChars = 0;
        } else if (c >= 32 && c < 127) {
          if (reply.firstT < 0) reply.firstT = times[i];
          reply.lineChars++;
        }
      }
    }
    write(s);
  }

  function runSlice(n) {
    const t0 = performance.now();
    const r = z80lm.run(Math.max(1, Math.ceil(n)));
    const dt = performance.now() - t0;
    if (dt > 0.5) chunk = Math.max(10000, Math.min(4e7, chunk * 4 / dt));
    else chunk = Math.min(4e7, chunk * 2);
    machT = r.t;
    output(r.out, r.times);
    if (r.state !== "running") stopped(r);
  }

  function stopped(r) {
    if (reply) {
      reply.endT = machT;
      reply.wallEnd = performance.now();
      document.body.dataset.replyT = reply.endT - reply.startT;
    }
    clockT = machT;
    if (r.state === "input") {
      setState("input");
      turns++;
      document.body.dataset.turns = turns;
      if (!interactive) {
        interactive = true;
        performance.mark("z80lm-interactive");
      }
    } else if (r.state === "exited") {
      setState("exited");
      note(prog.name + " has exited" + (r.reason ? " (" + r.reason + ")" : "") + "; press Enter to run it again");
    } else {
      setState("error");
      note("error: " + (r.error || "unknown"));
    }
    showStatus();
  }

  function frame(now) {
    if (state !== "running") {
      looping = false;
      return;
    }
    const start = performance.now();
    let target = Infinity;
    if (!full.checked) {
      clockT += Math.min(now - lastFrame, 100) * HZ / 1000;
      target = clockT;
    }
    lastFrame = now;
    while (state === "running" && machT < target && performance.now() - start < BUDGET_MS) {
      runSlice(Math.min(chunk, target - machT));
    }
    // If this browser cannot keep up with 4 MHz, do not build up a debt.
    if (clockT > machT + HZ / 10) clockT = machT + HZ / 10;
    if (now - lastStatus > 250) {
      lastStatus = now;
      showStatus();
    }
    requestAnimationFrame(frame);
  }

  function go() {
    setState("running");
    if (!looping) {
      looping = true;
      lastFrame = performance.now();
      requestAnimationFrame(frame);
    }
  }

  function start(name, com, title) {
    prog = { name, com, title };
    $("about").textContent = name + ".COM: " + title;
    document.body.dataset.program = name;
    for (const b of document.querySelectorAll("#programs button")) {
      b.setAttribute("aria-checked", String(b.dataset.name === name));
    }
    clearScreen();
    turns = 0;
    document.body.dataset.turns = 0;
    const err = z80lm.load(com, "");
    machT = clockT = 0;
    reply = { startT: 0, chars: 0, lineChars: 0, firstT: -1, wall: performance.now() };
    if (err) {
      setState("error");
      note("cannot run " + name + ".COM: " + (typeof err === "string" ? err : err.error));
      showStatus();
      return;
    }
    go();
  }

  function submit() {
    if (state === "exited" || state === "error") {
      input.value = "";
      pendingEl.textContent = "";
      if (prog) start(prog.name, prog.com, prog.title);
      return;
    }
    if (state === "loading" || !prog) return;
    const text = input.value;
    input.value = "";
    pendingEl.textContent = "";
    if (text && history[history.length - 1] !== text) history.push(text);
    recall = history.length;
    if (state === "input") {
      reply = { startT: machT, chars: 0, lineChars: 0, firstT: -1, wall: performance.now() };
    }
    z80lm.feed(text + "\r");
    go();
  }

  // ---- programs ----

  async function choose(name, title) {
    try {
      let com = cache.get(name);
      if (!com) {
        const r = await fetch("programs/" + name + ".COM");
        if (!r.ok) throw new Error("HTTP " + r.status);
        com = new Uint8Array(await r.arrayBuffer());
        cache.set(name, com);
      }
      start(name, com, title);
    } catch (e) {
      setState("error");
      note("cannot load " + name + ".COM: " + e.message);
    }
  }

  function runFile(f) {
    if (!f) return;
    const name = f.name.replace(/\.com$/i, "").toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 8) || "PROGRAM";
    if (f.size > 65536) {
      note(f.name + " is too big for a 64K Z80");
      return;
    }
    f.arrayBuffer().then((b) => start(name, new Uint8Array(b), "your own program, running on this page"), (e) => note("cannot read " + f.name + ": " + e.message));
  }

  function showPrograms(list) {
    const box = $("programs");
    for (const p of list) {
      const b = document.createElement("button");
      b.type = "button";
      b.setAttribute("role", "radio");
      b.setAttribute("aria-checked", "false");
      b.dataset.name = p.name;
      b.textContent = p.name;
      b.title = p.title + " (" + p.name + ".COM, " + num(p.size) + " bytes)";
      b.addEventListener("click", () => {
        choose(p.name, p.title);
        input.focus({ preventScroll: true });
      });
      box.appendChild(b);
    }
  }

  // ---- input ----

  input.addEventListener("input", () => {
    pendingEl.textContent = input.value;
    screen.scrollTop = screen.scrollHeight;
  });
  input.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    if (e.key === "Enter") {
      e.preventDefault();
      submit();
    } else if ((e.key === "ArrowUp" && recall > 0) || (e.key === "ArrowDown" && recall < history.length)) {
      e.preventDefault();
      recall += e.key === "ArrowUp" ? -1 : 1;
      input.value = history[recall] || "";
      pendingEl.textContent = input.value;
    }
  });
  input.addEventListener("focus", () => term.classList.add("focused"));
  input.addEventListener("blur", () => term.classList.remove("focused"));
  // A click gives the keyboard to the terminal, unless it selected text to copy.
  term.addEventListener("click", () => {
    if (window.getSelection().isCollapsed) input.focus({ preventScroll: true });
  });
  document.addEventListener("keydown", (e) => {
    const a = document.activeElement;
    if (a === input || e.ctrlKey || e.metaKey || e.altKey || e.key.length !== 1) return;
    if (a && a !== document.body && a.tagName !== "BUTTON") return;
    input.focus({ preventScroll: true });
  });
  try {
    full.checked = localStorage.getItem("z80lm.full") === "1";
  } catch (e) { /* storage may be off; 4 MHz it is */ }
  full.addEventListener("change", () => {
    clockT = machT;
    showStatus();
    try {
      localStorage.setItem("z80lm.full", full.checked ? "1" : "0");
    } catch (e) { /* not remembered, no harm */ }
  });
  picker.addEventListener("change", () => {
    runFile(picker.files[0]);
    picker.value = "";
  });
  // Dropping anywhere must not make the browser navigate to the file.
  for (const ev of ["dragover", "drop"]) document.addEventListener(ev, (e) => e.preventDefault());
  term.addEventListener("dragenter", () => term.classList.add("dragging"));
  term.addEventListener("dragleave", (e) => {
    if (!term.contains(e.relatedTarget)) term.classList.remove("dragging");
  });
  term.addEventListener("drop", (e) => {
    term.classList.remove("dragging");
    runFile(e.dataTransfer.files[0]);
  });

  // ---- boot ----

  async function boot() {
    const rt = new Go();
    const [wasm, list] = await Promise.all([
      WebAssembly.instantiateStreaming(fetch("z80lm.wasm"), rt.importObject),
      fetch("programs.json").then((r) => r.json()),
    ]);
    rt.run(wasm.instance); // returns when main blocks, with z80lm set
    showPrograms(list);
    const want = decodeURIComponent(location.hash.slice(1)).toUpperCase();
    const first = list.find((p) => p.name === want) || list[0];
    input.focus({ preventScroll: true });
    if (first) {
      choose(first.name, first.title);
    } else {
      setState("exited");
      note("no programs offered; drop a .COM here or pick one above");
      statusEl.textContent = "";
    }
  }
  boot().catch((e) => {
    setState("error");
    note("cannot start the Z80: " + e.message);
  });
})();
