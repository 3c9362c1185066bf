// Keeps the live-queues page up to date over a websocket (progressive enhancement: without
// this script the page still shows the queues as they were when it loaded, with a refresh link).
//
// Each message is the whole board, rendered by the server in every language the site offers;
// the board is swapped in place. Only tier changes are announced, in the polite live region.

const board = document.querySelector("[data-live-board]");
const statusLine = document.querySelector("[data-live-status]");
const announcer = document.querySelector("[data-live-announcer]");

function showStatus(text) {
  if (!statusLine || !text) return;
  // Keep the refresh link: replace only the sentence in front of it.
  const link = statusLine.querySelector("a");
  statusLine.textContent = text + " ";
  if (link) statusLine.appendChild(link);
}

function pick(byLanguage, language) {
  if (!byLanguage) return undefined;
  if (language in byLanguage) return byLanguage[language];
  const first = Object.keys(byLanguage)[0];
  return first === undefined ? undefined : byLanguage[first];
}

function connect(url, language, delay) {
  const socket = new WebSocket(url);
  socket.addEventListener("open", () => {
    delay = 1000;
    showStatus(statusLine && statusLine.dataset.textLive);
  });
  socket.addEventListener("message", (message) => {
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    if (data.type !== "live.state") return;
    const html = pick(data.html, language);
    if (html !== undefined) {
      board.innerHTML = html;
      board.dataset.updates = String(Number(board.dataset.updates || 0) + 1);
    }
    const announcement = pick(data.announcement, language);
    if (announcement && announcer) announcer.textContent = announcement;
  });
  socket.addEventListener("close", () => {
    showStatus(statusLine && statusLine.dataset.textLost);
    // Back off up to 30 seconds; the first message after reconnecting is the whole board.
    window.setTimeout(() => connect(url, language, Math.min(delay * 2, 30000)), delay);
  });
}

if (board && "WebSocket" in window) {
  const url = new URL(board.dataset.socketPath, window.location.href);
  url.protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  connect(url.href, board.dataset.language, 1000);
}
