// The console pages, kept live by Server-Sent Events from /api/eventos?narrado=1.
// One renderer per page; the server sends each event already narrated (sentence, refusal, story, milestone).
"use strict";

const cfg = JSON.parse(document.getElementById("dados").textContent);
const estadoEl = document.getElementById("estado");
let cursor = cfg.cursor || 0;
let source = null;
let pausedByUser = false;
const seen = new Set();

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function hora(iso) {
  const d = iso ? new Date(iso) : null;
  return d && !isNaN(d) ? d.toLocaleTimeString("pt-BR", { hour12: false }) : "--:--:--";
}

function showState(estado, motivo) {
  if (!estadoEl) return;
  estadoEl.className = "estado " + estado;
  estadoEl.dataset.estado = estado;
  if (pausedByUser) {
    estadoEl.textContent = `Pausado por você — a transmissão continua do cursor ${cursor} quando retomar.`;
  } else if (estado === "ao_vivo") {
    estadoEl.textContent = "● Ao vivo";
  } else if (estado === "pausado") {
    estadoEl.textContent = `Transmissão pausada: ${motivo || "broker indisponível"}. ` +
      `Os eventos continuam guardados no outbox; retomamos do cursor ${cursor} quando o broker voltar.`;
  } else if (estado === "desconectado") {
    estadoEl.textContent = "Conexão com o console perdida; reconectando do cursor " + cursor + "…";
  } else {
    estadoEl.textContent = "Conectando ao broker…" + (motivo ? ` (${motivo})` : "");
  }
}

function connect() {
  const url = new URL(cfg.stream, location.href);
  url.searchParams.set("desde", String(cursor));
  source = new EventSource(url);
  source.addEventListener("estado", (m) => { const s = JSON.parse(m.data); showState(s.estado, s.motivo); });
  source.addEventListener("narrado", (m) => {
    const item = JSON.parse(m.data);
    cursor = Math.max(cursor, item.cursor);
    if (seen.has(item.cursor)) return;
    seen.add(item.cursor);
    renderers[cfg.modo].add(item, true);
  });
  source.addEventListener("erro", () => { source.close(); location.href = "/entrar"; });
  source.onerror = () => { if (source.readyState !== EventSource.OPEN) showState("desconectado"); };
}

// -- timeline -------------------------------------------------------------------------------------------
function refusalBox(r) {
  const rows = [["Verificação", r.check], ["O que mudar", r.reason], ["Esperado", r.expected],
    ["Recebido", r.received], ["Referência", r.reference]];
  const dl = el("dl", { class: "recusa-box", "data-check": r.check });
  for (const [k, v] of rows) if (v) dl.append(el("dt", {}, k), el("dd", {}, v));
  return dl;
}

function eventItem(item) {
  const ce = item.evento;
  const classes = ["evento"];
  if (item.recusa) classes.push("recusa");
  if (!item.resumo) classes.push("desconhecido");
  const where = [item.ente ? "ente " + item.ente : "sandbox", ce.partitionkey ? "história " + ce.partitionkey : null]
    .filter(Boolean).join(" · ");
  const summary = el("summary", {},
    el("span", { class: "hora" }, hora(ce.time)),
    el("span", { class: "tipo" }, item.tipo || ce.type),
    el("span", { class: "resumo" }, item.resumo || "(tipo de evento desconhecido pelo console: veja o evento bruto)"),
    el("span", { class: "ente" }, where));
  const details = el("details", {}, summary, el("pre", { class: "bruto" }, JSON.stringify(ce, null, 2)));
  const li = el("li", { class: classes.join(" "), "data-seq": item.cursor, "data-tipo": item.tipo,
    "data-ts": Date.parse(ce.time) || Date.now() }, details);
  if (item.recusa) li.append(refusalBox(item.recusa));
  return li;
}

const timeline = {
  list: document.getElementById("eventos"),
  add(item) {
    this.list.prepend(eventItem(item));
    while (this.list.children.length > cfg.n) this.list.lastElementChild.remove();
    const vazio = document.getElementById("vazio");
    if (vazio) vazio.remove();
  },
  trim() {
    if (!cfg.minutos) return;
    const oldest = Date.now() - cfg.minutos * 60000;
    for (const li of [...this.list.children]) if (Number(li.dataset.ts) < oldest) li.remove();
  },
};

// -- stories -------------------------------------------------------------------------------------------
const FINAIS = { 7: "fim-cancelado", 8: "fim-recusa", 9: "fim-recusa", 10: "fim-cancelado" };

function drawPath(lane) {
  const box = lane.node.querySelector(".caminho");
  if (!box) return;
  box.replaceChildren();
  const reached = lane.reached;
  const endings = [7, 8, 9, 10].filter((c) => reached.includes(c));
  let codes = [0, 1, 2, 3, 4, 5, 6];
  if (endings.length) {
    const lastMain = Math.max(0, ...reached.filter((c) => c <= 6));
    codes = codes.slice(0, lastMain + 1).concat(endings);
  }
  for (const c of codes) {
    const state = c === lane.current ? "atual" : reached.includes(c) ? "feito" : "pendente";
    box.append(el("span", { class: `passo ${state} ${FINAIS[c] || ""}`, "data-codigo": c,
      title: (cfg.situacoes || {})[c] || "" }, String(c)));
  }
}

function laneNode(h) {
  const servico = h.chave.split("|")[0];
  const node = el("section", { class: "historia " + servico + (h.recusado ? " recusada" : ""), "data-chave": h.chave },
    el("h3", {}, h.titulo), el("div", { class: "chave" }, h.tipo + " · chave " + h.chave.split("|").slice(1).join("|")));
  if (servico === "tramita") node.append(el("div", { class: "caminho" }));
  node.append(el("ol", {}));
  return node;
}

const stories = {
  box: document.getElementById("historias"),
  lanes: new Map(),
  lane(h) {
    let lane = this.lanes.get(h.chave);
    if (!lane) {
      lane = { node: laneNode(h), reached: [], current: null };
      this.lanes.set(h.chave, lane);
      this.box.prepend(lane.node);
      const vazio = document.getElementById("vazio");
      if (vazio) vazio.remove();
      drawPath(lane);
    }
    return lane;
  },
  step(lane, text, refused, time) {
    lane.node.querySelector("ol").append(el("li", { class: refused ? "recusado" : null }, `${hora(time)} — ${text}`));
    if (refused) lane.node.classList.add("recusada");
  },
  add(item, live) {
    const h = item.historia;
    if (!h) return;
    const lane = this.lane(h);
    if (h.titulo.length > lane.node.querySelector("h3").textContent.length) lane.node.querySelector("h3").textContent = h.titulo;
    this.step(lane, h.passo, h.recusado, item.evento.time);
    if (h.situacao !== null && h.situacao !== undefined) {
      for (const c of [h.situacao_de, h.situacao]) if (c !== null && c !== undefined && !lane.reached.includes(c)) lane.reached.push(c);
      lane.current = h.situacao;
      drawPath(lane);
    }
    if (live) this.box.prepend(lane.node);
  },
  load(lanes) {
    for (const s of lanes.slice().reverse()) {
      const lane = this.lane(s);
      for (const p of s.passos) this.step(lane, p.texto, p.recusado, p.hora);
      lane.reached = s.situacoes; lane.current = s.situacao;
      drawPath(lane);
    }
  },
};

// -- trainer grid ----------------------------------------------------------------------------------------
const grade = {
  add(item) {
    if (!item.marco || !item.ente) return;
    const cell = document.querySelector(`td.marco[data-ente="${item.ente}"][data-marco="${item.marco}"]`);
    if (cell && !cell.classList.contains("feito")) { cell.classList.add("feito"); cell.textContent = "✓"; }
  },
};

const renderers = { linha: timeline, historias: stories, turma: grade };

// -- start -------------------------------------------------------------------------------------------------
if (cfg.modo === "linha") {
  for (const item of cfg.itens.slice().reverse()) { seen.add(item.cursor); timeline.add(item); }
  setInterval(() => timeline.trim(), 10000);
} else if (cfg.modo === "historias") {
  stories.load(cfg.itens);
}
const botao = document.getElementById("pausar");
if (botao) botao.addEventListener("click", () => {
  pausedByUser = !pausedByUser;
  if (pausedByUser) { source.close(); botao.textContent = "Retomar"; showState("pausado"); }
  else { botao.textContent = "Pausar"; connect(); }
});
showState(cfg.estado.estado, cfg.estado.motivo);
connect();
