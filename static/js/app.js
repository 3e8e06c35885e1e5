// Small behaviours shared by every page. No inline scripts anywhere (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons with data-confirm ask before they submit their form.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Chinese names and titles inside a page in another language are marked as Chinese, so a
  // screen reader reads them with a Chinese voice (WCAG 3.1.2). The server knows the words, not
  // which language each name or title is in: the script marks every run of Chinese characters.
  if (!document.documentElement.lang.toLowerCase().startsWith("zh")) {
    markChinese(document.body);
    document.body.addEventListener("htmx:afterSwap", (event) => markChinese(event.target));
  }
  // Print buttons.
  document.body.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
});

const CHINESE_RUN = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+(?:[\s·•]*[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]+)*/g;
const HAS_CHINESE = /[\u3400-\u9fff\uf900-\ufaff]/;
const SKIP = new Set(["SCRIPT", "STYLE", "TEXTAREA", "TITLE", "NOSCRIPT"]);

function markChinese(root) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      if (!parent || SKIP.has(parent.tagName) || !HAS_CHINESE.test(node.nodeValue)) {
        return NodeFilter.FILTER_REJECT;
      }
      const marked = parent.closest("[lang]");
      if (marked && marked.lang.toLowerCase().startsWith("zh")) {
        return NodeFilter.FILTER_REJECT;
      }
      return NodeFilter.FILTER_ACCEPT;
    },
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  for (const node of nodes) {
    const parent = node.parentElement;
    // An option cannot hold a span, and a text that is all Chinese needs no span.
    if (parent.tagName === "OPTION" || node.nodeValue.replace(CHINESE_RUN, "").trim() === "") {
      if (parent.childNodes.length === 1 || parent.tagName === "OPTION") {
        parent.lang = "zh-Hans";
        continue;
      }
    }
    const text = node.nodeValue;
    const fragment = document.createDocumentFragment();
    let last = 0;
    for (const match of text.matchAll(CHINESE_RUN)) {
      if (match.index > last) fragment.append(text.slice(last, match.index));
      const span = document.createElement("span");
      span.lang = "zh-Hans";
      span.textContent = match[0];
      fragment.append(span);
      last = match.index + match[0].length;
    }
    if (last < text.length) fragment.append(text.slice(last));
    parent.replaceChild(fragment, node);
  }
}
